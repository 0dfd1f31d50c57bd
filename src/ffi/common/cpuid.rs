//! `aws/common/cpuid.h`: whether the processor has a feature upstream's optimized code paths
//! use, asked of the standard library's runtime detection (`cpuid` on x86, the auxiliary
//! vector on Arm).

use crate::ffi::guard;
use std::ffi::c_int;

/// The features that can be asked about.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum aws_cpu_feature_name {
    /// x86 carry-less multiplication (PCLMULQDQ).
    AWS_CPU_FEATURE_CLMUL,
    /// x86 SSE 4.1.
    AWS_CPU_FEATURE_SSE_4_1,
    /// x86 SSE 4.2.
    AWS_CPU_FEATURE_SSE_4_2,
    /// x86 AVX2.
    AWS_CPU_FEATURE_AVX2,
    /// x86 AVX-512 (foundation).
    AWS_CPU_FEATURE_AVX512,
    /// Arm CRC32 instructions.
    AWS_CPU_FEATURE_ARM_CRC,
    /// x86 BMI2.
    AWS_CPU_FEATURE_BMI2,
    /// x86 vector carry-less multiplication.
    AWS_CPU_FEATURE_VPCLMULQDQ,
    /// Arm polynomial multiplication.
    AWS_CPU_FEATURE_ARM_PMULL,
    /// Arm cryptographic extension (AES).
    AWS_CPU_FEATURE_ARM_CRYPTO,
    /// The number of features; not a feature.
    AWS_CPU_FEATURE_COUNT,
}

/// A C `enum aws_cpu_feature_name` received from C.
pub type aws_cpu_feature_name_raw = c_int;

crate::c_enum!(aws_cpu_feature_name);

/// Whether this processor has `feature`.
fn has(feature: aws_cpu_feature_name) -> bool {
    use aws_cpu_feature_name::*;
    #[cfg(target_arch = "x86_64")]
    {
        match feature {
            AWS_CPU_FEATURE_CLMUL => std::arch::is_x86_feature_detected!("pclmulqdq"),
            AWS_CPU_FEATURE_SSE_4_1 => std::arch::is_x86_feature_detected!("sse4.1"),
            AWS_CPU_FEATURE_SSE_4_2 => std::arch::is_x86_feature_detected!("sse4.2"),
            AWS_CPU_FEATURE_AVX2 => std::arch::is_x86_feature_detected!("avx2"),
            AWS_CPU_FEATURE_AVX512 => std::arch::is_x86_feature_detected!("avx512f"),
            AWS_CPU_FEATURE_BMI2 => std::arch::is_x86_feature_detected!("bmi2"),
            AWS_CPU_FEATURE_VPCLMULQDQ => std::arch::is_x86_feature_detected!("vpclmulqdq"),
            _ => false,
        }
    }
    #[cfg(target_arch = "aarch64")]
    {
        match feature {
            AWS_CPU_FEATURE_ARM_CRC => std::arch::is_aarch64_feature_detected!("crc"),
            AWS_CPU_FEATURE_ARM_PMULL => std::arch::is_aarch64_feature_detected!("pmull"),
            AWS_CPU_FEATURE_ARM_CRYPTO => std::arch::is_aarch64_feature_detected!("aes"),
            _ => false,
        }
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        let _ = feature;
        false
    }
}

/// True when the processor has `feature_name`; false for other architectures' features and for
/// values outside the enum.
#[unsafe(no_mangle)]
pub extern "C" fn aws_cpu_has_feature(feature_name: aws_cpu_feature_name_raw) -> bool {
    guard::guard(false, || Ok(guard::enum_value(feature_name).is_ok_and(has)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_of_another_architecture_and_unknown_values_are_absent() {
        use aws_cpu_feature_name::*;
        #[cfg(target_arch = "x86_64")]
        {
            assert!(!aws_cpu_has_feature(AWS_CPU_FEATURE_ARM_CRC as c_int));
            // Every x86_64 processor the library runs on has SSE 4.1 in practice; the answer
            // must at least agree with the standard library's.
            assert_eq!(
                aws_cpu_has_feature(AWS_CPU_FEATURE_SSE_4_1 as c_int),
                std::arch::is_x86_feature_detected!("sse4.1")
            );
        }
        assert!(!aws_cpu_has_feature(AWS_CPU_FEATURE_COUNT as c_int));
        assert!(!aws_cpu_has_feature(-1));
    }
}
