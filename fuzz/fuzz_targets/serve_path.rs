//! The dev server's request-path resolver never names a path outside the site.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    errdex::fuzzing::serve_path(data);
});
