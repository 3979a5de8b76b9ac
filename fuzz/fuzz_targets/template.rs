//! Message templates `a 0xFF b 0xFF message`: `matches` agrees with a reference
//! matcher, `overlaps` is symmetric and implied by a shared match.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    errdex::fuzzing::template(data);
});
