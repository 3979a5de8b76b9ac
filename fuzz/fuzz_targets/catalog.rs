//! Arbitrary bytes split on 0xFF into errdex.yaml and up to 8 error files, loaded,
//! checked and, when clean, rendered; diagnostics and outputs are checked for safety.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = errdex::fuzzing::catalog(data);
});
