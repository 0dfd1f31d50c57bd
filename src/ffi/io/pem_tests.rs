//! Tests of `aws/io/pem.h` pinned to upstream's reader (aws-c-io's pem_test.c): labels and
//! kinds, junk around objects, what fails the whole read and what only stops it, and a DER
//! certificate written as PEM and read back.

use super::pem::*;
use crate::error::aws_io_errors::AWS_ERROR_PEM_MALFORMED;
use crate::ffi::common::allocator::aws_default_allocator;
use crate::ffi::common::array_list::{
    aws_array_list, aws_array_list_get_at_ptr, aws_array_list_length,
};
use crate::ffi::common::byte_buf::aws_byte_cursor;
use crate::ffi::common::error::aws_last_error;
use crate::ffi::common::string::{aws_string_destroy, string_bytes};
use crate::ffi::guard::{OP_ERR, OP_SUCCESS};
use std::ffi::c_int;

const TWO: &str = "junk before\n\
    -----BEGIN CERTIFICATE-----\n  AQID\r\n  BA==  \n-----END CERTIFICATE-----\n\
    between\n\
    -----BEGIN FANCY THING-----\naGk=\n-----END SOMETHING ELSE-----\ntrailing\n";

/// Reads `text` through the C entry point: the objects' kinds, labels and bytes, or the error.
fn read(text: &str) -> Result<Vec<(c_int, String, Vec<u8>)>, c_int> {
    let mut list: aws_array_list = unsafe { std::mem::zeroed() };
    let cursor = aws_byte_cursor::from_slice(text.as_bytes());
    unsafe {
        if aws_pem_objects_init_from_file_contents(&mut list, aws_default_allocator(), cursor)
            != OP_SUCCESS
        {
            return Err(aws_last_error());
        }
        let mut out = Vec::new();
        for i in 0..aws_array_list_length(&list) {
            let mut item: *mut aws_pem_object = std::ptr::null_mut();
            aws_array_list_get_at_ptr(&list, (&raw mut item).cast(), i);
            let o = &*item;
            let label = String::from_utf8(string_bytes(o.type_string).unwrap().to_vec()).unwrap();
            let data = crate::ffi::guard::bytes(o.data.buffer, o.data.len)
                .unwrap()
                .to_vec();
            out.push((o.r#type, label, data));
        }
        aws_pem_objects_clean_up(&mut list);
        Ok(out)
    }
}

#[test]
fn objects_are_read_with_their_labels_kinds_and_bytes() {
    let objects = read(TWO).unwrap();
    assert_eq!(
        objects,
        vec![
            (
                aws_pem_object_type::AWS_PEM_TYPE_X509 as c_int,
                "CERTIFICATE".into(),
                vec![1, 2, 3, 4]
            ),
            (
                aws_pem_object_type::AWS_PEM_TYPE_UNKNOWN as c_int,
                "FANCY THING".into(),
                b"hi".to_vec()
            ),
        ]
    );
    assert_eq!(
        object_type(b"EC PRIVATE KEY"),
        aws_pem_object_type::AWS_PEM_TYPE_EC_PRIVATE
    );
    assert_eq!(
        object_type(b"SM2 PARAMETERS"),
        aws_pem_object_type::AWS_PEM_TYPE_SM2_PARAMETERS
    );
    assert_eq!(
        object_type(b"X509 CERTIFICATE"),
        aws_pem_object_type::AWS_PEM_TYPE_X509_OLD
    );
}

#[test]
fn an_object_without_data_reads_as_empty() {
    let objects = read("-----BEGIN DSA PRIVATE KEY-----\n-----END DSA PRIVATE KEY-----").unwrap();
    assert_eq!(
        objects,
        vec![(
            aws_pem_object_type::AWS_PEM_TYPE_PRIVATE_DSA_PKCS1 as c_int,
            "DSA PRIVATE KEY".into(),
            vec![]
        )]
    );
}

#[test]
fn a_malformed_begin_line_stops_the_read_after_what_came_before() {
    let text = format!("{TWO}-----BEGIN CERTIFICATE\nAQID\n-----END CERTIFICATE-----\n");
    assert_eq!(read(&text).unwrap().len(), 2);
    assert_eq!(
        read("-----BEGIN CERTIFICATE\nAQID\n-----END CERTIFICATE-----\n"),
        Err(AWS_ERROR_PEM_MALFORMED as c_int)
    );
}

#[test]
fn nothing_an_open_object_or_bad_base64_fails_the_whole_read() {
    let malformed = Err(AWS_ERROR_PEM_MALFORMED as c_int);
    assert_eq!(read(""), malformed);
    assert_eq!(read("no pem here\n"), malformed);
    assert_eq!(
        read(&format!("{TWO}-----BEGIN CERTIFICATE-----\nAQID\n")),
        malformed
    );
    assert_eq!(
        read("-----BEGIN CERTIFICATE-----\nA*ID\n-----END CERTIFICATE-----\n"),
        malformed
    );
}

#[test]
fn a_der_certificate_becomes_pem_in_lines_of_64_and_reads_back() {
    let der: Vec<u8> = (0..100u8).collect();
    unsafe {
        let pem = aws_der_cert_to_pem(aws_default_allocator(), aws_byte_cursor::from_slice(&der));
        let text = String::from_utf8(string_bytes(pem).unwrap().to_vec()).unwrap();
        aws_string_destroy(pem);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "-----BEGIN CERTIFICATE-----");
        assert_eq!(lines[1].len(), 64);
        assert_eq!(lines[2].len(), 64);
        assert_eq!(lines[3].len(), 8);
        assert_eq!(lines[4], "-----END CERTIFICATE-----");
        assert!(text.ends_with("-----\n"));
        assert_eq!(read(&text).unwrap()[0].2, der);
        assert!(
            aws_der_cert_to_pem(aws_default_allocator(), aws_byte_cursor::from_slice(&[]))
                .is_null()
        );
        let mut list: aws_array_list = std::mem::zeroed();
        assert_eq!(
            aws_pem_objects_init_from_file_path(
                &mut list,
                aws_default_allocator(),
                c"/nonexistent/x.pem".as_ptr()
            ),
            OP_ERR
        );
    }
}
