//! aws-c-common: allocators, errors, byte buffers, strings, logging, threads and clocks.

pub mod allocator;
pub mod allocator_aligned;
pub mod allocator_small_block;
pub mod array_list;
pub mod array_list_edit;
#[cfg(test)]
mod array_list_tests;
pub mod assert;
pub mod atomics;
pub mod atomics_explicit;
pub mod byte_buf;
pub mod byte_buf_append;
pub mod byte_buf_compare;
pub mod byte_buf_file;
#[cfg(test)]
mod byte_buf_io_tests;
pub mod byte_buf_varargs;
pub mod byte_buf_write;
pub mod byte_cursor;
pub mod byte_cursor_parse;
pub mod byte_cursor_read;
pub mod byte_cursor_trim;
pub mod byte_order;
pub mod cache;
#[cfg(test)]
mod cache_tests;
pub mod cbor;
pub mod cbor_decoder;
pub mod chars;
pub mod clock;
pub mod command_line_parser;
pub mod common;
pub mod condition_variable;
pub mod cpuid;
pub mod cross_process_lock;
pub mod date_time;
pub mod date_time_fields;
pub mod date_time_parse;
pub mod device_random;
pub mod encoding;
pub mod encoding_bytes;
pub mod encoding_text;
pub mod environment;
pub mod error;
pub mod error_info;
#[cfg(test)]
mod error_info_tests;
pub mod fifo_cache;
pub mod file;
pub mod file_directory;
pub mod file_read;
pub mod hash_functions;
pub mod hash_table;
pub mod hash_table_iter;
#[cfg(test)]
mod hash_table_tests;
pub mod host_utils;
pub mod json;
pub mod json_containers;
pub mod json_text;
pub mod json_value;
pub mod lifo_cache;
pub mod linked_hash_table;
pub mod linked_list;
#[cfg(test)]
mod linked_list_tests;
pub mod log_channel;
pub mod log_formatter;
pub mod log_state;
pub mod log_writer;
pub mod logging;
pub mod logging_pipeline;
pub mod logging_thread_id;
pub mod lru_cache;
pub mod math;
pub mod math_bits;
pub mod math_min_max;
#[cfg(test)]
mod math_tests;
pub mod math_varargs;
pub mod mutex;
pub mod priority_queue;
#[cfg(test)]
mod priority_queue_tests;
pub mod process;
pub mod ref_count;
pub mod ring_buffer;
#[cfg(test)]
mod ring_buffer_tests;
pub mod rw_lock;
pub mod shutdown_types;
pub mod statistics;
pub mod string;
pub mod string_extras;
pub mod system_info;
pub mod system_info_backtrace;
pub mod system_resource_util;
pub mod task_scheduler;
pub mod task_scheduler_queue;
pub mod thread;
pub mod thread_launch;
#[cfg(test)]
mod thread_launch_tests;
pub mod thread_scheduler;
pub mod time;
pub mod uri;
pub mod uri_build;
pub mod uuid;
pub mod va_list;
pub mod varargs;
pub mod xml_parser;
pub mod xml_text;
pub mod zero;
