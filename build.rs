//! Compiles `src/ffi/logger_shim.c`: the loggers' C-variadic `log` function, which stable Rust
//! cannot define (see `src/ffi/file_logger.rs`); and gives the shared library upstream's SONAME
//! major version, so programs record `libaws-c-mqtt.so.1` whatever file name it is installed as.

fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libaws-c-mqtt.so.1");
    println!("cargo:rerun-if-changed=src/ffi/logger_shim.c");
    println!("cargo:rerun-if-changed=src/ffi/log_pipeline_shim.c");
    cc::Build::new()
        .file("src/ffi/logger_shim.c")
        .file("src/ffi/log_pipeline_shim.c")
        .std("c11")
        .warnings(true)
        .extra_warnings(true)
        .warnings_into_errors(true)
        .compile("aws_c_mqtt_logger_shim");
}
