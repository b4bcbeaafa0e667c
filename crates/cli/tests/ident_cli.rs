//! `portwatch mrz parse` and `portwatch vin check`, run as a user runs them: the JSON field
//! names and exit codes of the CLI contract.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const TD3: [&str; 2] = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
];

fn portwatch(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_portwatch"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&output.stdout));
    })
}

fn mrz_parse(lines: &[&str]) -> Output {
    let mut args = vec!["mrz", "parse", "--today", "2026-11-28"];
    args.extend_from_slice(lines);
    portwatch(&args, None)
}

#[test]
fn mrz_parse_prints_the_contract_fields() {
    let out = mrz_parse(&TD3);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    assert_eq!(v["format"], "TD3");
    assert_eq!(v["document_code"], "P");
    assert_eq!(v["issuing_state"], "UTO");
    assert_eq!(v["surname"], "ERIKSSON");
    assert_eq!(v["given_names"], "ANNA MARIA");
    assert_eq!(v["document_number"], "L898902C3");
    assert_eq!(v["nationality"], "UTO");
    assert_eq!(v["birth_date"], "1974-08-12");
    assert_eq!(v["expiry_date"], "2012-04-15");
    assert_eq!(v["sex"], "F");
    assert_eq!(v["optional_data"], "ZE184226B");
    assert_eq!(v["valid"], true);
    let checks = v["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 5);
    for check in checks {
        for key in ["field", "expected", "found", "valid"] {
            assert!(check.get(key).is_some(), "{check} lacks {key}");
        }
    }
    assert_eq!(v["repairs"], Value::Array(vec![]));
    assert!(v["warnings"].is_array());
}

#[test]
fn mrz_parse_reads_stdin() {
    let text = format!("{}\n{}\n", TD3[0], TD3[1]);
    let out = portwatch(&["mrz", "parse", "--today", "2026-11-28"], Some(&text));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["surname"], "ERIKSSON");
}

#[test]
fn failed_checks_still_exit_zero_and_say_which() {
    let out = mrz_parse(&[TD3[0], "L8989O2C36UTO7408122F1204159ZE184226B<<<<<10"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["valid"], false);
    let failed: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["valid"] == false)
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["document_number", "composite"]);
    assert_eq!(v["repairs"][0]["lines"][1], TD3[1]);
}

#[test]
fn td1_and_partial_dates() {
    let out = mrz_parse(&[
        "I<UTOD231458907<<<<<<<<<<<<<<<",
        "74<<<<1F1204159UTO<<<<<<<<<<<4",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ]);
    let v = json(&out);
    assert_eq!(v["format"], "TD1");
    assert_eq!(v["birth_date"], "1974");
    assert!(
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["valid"] == true),
        "{v}"
    );
}

#[test]
fn text_that_is_not_an_mrz_exits_two_with_the_rule() {
    let out = mrz_parse(&["P<UTOERIKSSON", "L898902C3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not an MRZ") && err.contains("2 of 44"),
        "{err}"
    );

    let out = mrz_parse(&[TD3[0], "L898902C36UTO7408122F1204159ZE184226B<<<<<1*"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2, position 44"));

    let out = portwatch(&["mrz", "parse"], Some(""));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn vin_check_prints_one_object_per_vin() {
    let out = portwatch(
        &["vin", "check", "1M8GDM9AXKP042788", "1M8GDM9A1KP042788"],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let good = &lines[0];
    assert_eq!(good["vin"], "1M8GDM9AXKP042788");
    assert_eq!(good["valid"], true);
    assert_eq!(good["check_digit"]["expected"], "X");
    assert_eq!(good["check_digit"]["found"], "X");
    assert_eq!(good["check_digit"]["valid"], true);
    assert_eq!(good["check_digit"]["required"], true);
    assert_eq!(good["wmi"], "1M8");
    assert_eq!(good["region"], "North America");
    assert_eq!(good["country"], "USA");
    assert_eq!(good["manufacturer"], "Motor Coach Industries");
    assert_eq!(good["model_years"][0], 1989);
    assert_eq!(lines[1]["valid"], false);
    assert_eq!(lines[1]["check_digit"]["valid"], false);
}

#[test]
fn malformed_vins_exit_two_after_reporting_every_vin() {
    let out = portwatch(
        &["vin", "check", "1M8GDM9AXKP042788", "1M8GDM9AXKPO42788"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["repairs"][0], "1M8GDM9AXKP042788");
    assert!(String::from_utf8_lossy(&out.stderr).contains("I, O and Q"));
    assert_eq!(portwatch(&["vin", "check"], None).status.code(), Some(2));
}
