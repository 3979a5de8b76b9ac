//! Reads every file of a folder into memory, then times each YAML parser over all of
//! them on one thread, events only: each file is parsed to its end and every event is
//! dropped at once. The event counts must agree, or a parser read the files differently.
//!
//! usage: errdex-bench-yaml-parsers FOLDER [RUNS]   (RUNS defaults to 5)

use std::time::{Duration, Instant};

/// A parser under test: the number of events it produced for `texts`.
type Parse = fn(&[String]) -> Result<usize, String>;

const PARSERS: [(&str, Parse); 4] = [
    ("granit-parser 2.2 (under serde-saphyr)", granit),
    ("saphyr-parser 0.3", saphyr),
    ("yaml-rust2 0.13", yaml_rust2),
    ("libyaml-safer 0.3", libyaml_safer),
];

fn granit(texts: &[String]) -> Result<usize, String> {
    let mut events = 0;
    for text in texts {
        for event in granit_parser::Parser::new_from_str(text) {
            event.map_err(|e| e.to_string())?;
            events += 1;
        }
    }
    Ok(events)
}

fn saphyr(texts: &[String]) -> Result<usize, String> {
    let mut events = 0;
    for text in texts {
        for event in saphyr_parser::Parser::new_from_str(text) {
            event.map_err(|e| e.to_string())?;
            events += 1;
        }
    }
    Ok(events)
}

fn yaml_rust2(texts: &[String]) -> Result<usize, String> {
    let mut events = 0;
    for text in texts {
        let mut parser = yaml_rust2::parser::Parser::new_from_str(text);
        loop {
            let (event, _) = parser.next_token().map_err(|e| e.to_string())?;
            events += 1;
            if event == yaml_rust2::Event::StreamEnd {
                break;
            }
        }
    }
    Ok(events)
}

fn libyaml_safer(texts: &[String]) -> Result<usize, String> {
    let mut events = 0;
    for text in texts {
        let mut input = text.as_bytes();
        let mut parser = libyaml_safer::Parser::new();
        parser.set_input_string(&mut input);
        loop {
            let event = parser.parse().map_err(|e| e.to_string())?;
            events += 1;
            if event.data == libyaml_safer::EventData::StreamEnd {
                break;
            }
        }
    }
    Ok(events)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let folder = args
        .next()
        .ok_or("usage: errdex-bench-yaml-parsers FOLDER [RUNS]")?;
    let runs: usize = args.next().map_or(Ok(5), |r| r.parse())?;
    let mut paths: Vec<_> = std::fs::read_dir(&folder)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    paths.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    paths.sort();
    let texts: Vec<String> = paths
        .iter()
        .map(std::fs::read_to_string)
        .collect::<Result<_, _>>()?;
    let bytes: usize = texts.iter().map(String::len).sum();
    println!(
        "{} files, {:.1} MB, {runs} runs each, parsers alternating",
        texts.len(),
        bytes as f64 / 1e6
    );

    let mut times = vec![Vec::<Duration>::new(); PARSERS.len()];
    let mut events = vec![0; PARSERS.len()];
    for _ in 0..runs {
        for (i, (_, parse)) in PARSERS.iter().enumerate() {
            let start = Instant::now();
            events[i] = std::hint::black_box(parse(&texts))?;
            times[i].push(start.elapsed());
        }
    }
    println!("| parser | events | median | fastest | MB/s (median) |");
    println!("|---|---:|---:|---:|---:|");
    for (i, (name, _)) in PARSERS.iter().enumerate() {
        times[i].sort();
        let median = times[i][times[i].len() / 2];
        println!(
            "| {name} | {} | {:.0} ms | {:.0} ms | {:.1} |",
            events[i],
            median.as_secs_f64() * 1e3,
            times[i][0].as_secs_f64() * 1e3,
            bytes as f64 / 1e6 / median.as_secs_f64()
        );
    }
    if events.iter().any(|&n| n != events[0]) {
        return Err("the parsers disagree on the number of events".into());
    }
    Ok(())
}
