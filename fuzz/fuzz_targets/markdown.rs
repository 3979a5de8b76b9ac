//! Every Markdown entry point on arbitrary UTF-8: the HTML holds only markup
//! pulldown-cmark generates, with safe URLs; agent Markdown holds no raw HTML or unsafe link.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    errdex::fuzzing::markdown(data);
});
