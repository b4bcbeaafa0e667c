//! `POST /v1/ident/mrz` over the network: the console's live check-digit feedback.

mod common;

use serde_json::{json, Value};

use common::*;

/// The TD3 specimen of ICAO Doc 9303 Part 4.
const TD3: [&str; 2] = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
];

fn check<'a>(answer: &'a Value, field: &str) -> &'a Value {
    answer["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == field)
        .unwrap_or_else(|| panic!("no {field} check in {answer}"))
}

#[tokio::test]
async fn the_icao_specimen_passport_reads_with_every_check_passing() {
    let net = network().await;
    let mut post = net.client(TANGER).await;
    let reply = post.post("/v1/ident/mrz", &json!({"lines": TD3})).await;
    reply.assert_status(200);
    let a = reply.json();
    assert_eq!(a["format"], "TD3");
    assert_eq!(a["valid"], true, "{a}");
    assert_eq!(a["document_code"], "P");
    assert_eq!(a["document_kind"], "passport");
    assert_eq!(a["issuing_state"], "UTO");
    // Utopia is the specimens' state: no ISO country, marked as such.
    assert_eq!(a["issuing_state_iso"], Value::Null);
    assert_eq!(a["issuing_state_kind"], "specimen");
    assert_eq!(a["surname"], "ERIKSSON");
    assert_eq!(a["given_names"], "ANNA MARIA");
    assert_eq!(a["document_number"], "L898902C3");
    assert_eq!(a["nationality_kind"], "specimen");
    assert_eq!(a["birth_date"], "1974-08-12");
    assert_eq!(a["sex"], "F");
    assert_eq!(a["expiry_date"], "2012-04-15");
    assert_eq!(a["optional_data"], "ZE184226B");
    let checks = a["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 5);
    assert!(checks.iter().all(|c| c["valid"] == true), "{a}");
    let number = check(&a, "document_number");
    assert_eq!(
        (number["line"].as_u64(), number["position"].as_u64()),
        (Some(2), Some(10))
    );
    let composite = check(&a, "composite");
    assert_eq!(composite["found"], "0");
    assert_eq!(
        (composite["line"].as_u64(), composite["position"].as_u64()),
        (Some(2), Some(44))
    );
    assert_eq!(a["repairs"], json!([]));

    // The same MRZ as one text, and a German code mapped explicitly, never guessed.
    let text = format!("{}\n{}", TD3[0].replacen("UTO", "D<<", 1), TD3[1]);
    let a = post
        .post("/v1/ident/mrz", &json!({"mrz": text}))
        .await
        .json();
    assert_eq!(a["issuing_state"], "D");
    assert_eq!(a["issuing_state_iso"], "DEU");
    assert_eq!(a["issuing_state_kind"], "state");
}

#[tokio::test]
async fn a_misread_character_names_the_failing_checks_and_the_repair() {
    let net = network().await;
    // A partner holds only the analyst role: reading an MRZ reveals nothing, so it may.
    let mut partner = net.client(FRONTEX).await;
    // The scanner read the document number's digit `0` as the letter `O`.
    let misread = [
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        &TD3[1].replacen("902", "9O2", 1),
    ];
    let reply = partner
        .post("/v1/ident/mrz", &json!({"lines": misread}))
        .await;
    reply.assert_status(200);
    let a = reply.json();
    assert_eq!(a["valid"], false);
    assert_eq!(a["document_number"], "L8989O2C3");
    let number = check(&a, "document_number");
    assert_eq!(number["valid"], false);
    assert_eq!(number["found"], "6");
    assert_eq!(check(&a, "composite")["valid"], false);
    assert_eq!(check(&a, "birth_date")["valid"], true);
    let repairs = a["repairs"].as_array().unwrap();
    assert_eq!(repairs.len(), 1, "{a}");
    assert_eq!(
        repairs[0]["changes"],
        json!([{"line": 2, "position": 6, "from": "O", "to": "0"}])
    );
    assert_eq!(repairs[0]["lines"], json!(TD3));
}

#[tokio::test]
async fn text_that_is_no_mrz_is_a_422_naming_the_field_and_rule() {
    let net = network().await;
    let mut post = net.client(TANGER).await;

    let p = post
        .post("/v1/ident/mrz", &json!({"lines": ["hello", "world"]}))
        .await
        .problem(422);
    assert_eq!(p["field"], "lines");
    assert!(
        p["detail"].as_str().unwrap().contains("2 of 44 (TD3"),
        "{p}"
    );

    let bad = TD3[1].replacen('Z', "%", 1);
    let p = post
        .post("/v1/ident/mrz", &json!({"lines": [TD3[0], bad]}))
        .await
        .problem(422);
    assert_eq!(p["field"], "lines[1]");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("line 2, position 29"),
        "{p}"
    );

    let p = post
        .post("/v1/ident/mrz", &json!({"mrz": "   "}))
        .await
        .problem(422);
    assert_eq!(p["field"], "mrz");
    let p = post.post("/v1/ident/mrz", &json!({})).await.problem(422);
    assert_eq!(p["field"], "lines");
    let p = post
        .post("/v1/ident/mrz", &json!({"lines": TD3, "mrz": "x"}))
        .await
        .problem(422);
    assert_eq!(p["field"], "mrz");

    // Wrong JSON types and unknown fields are 400s, like everywhere else.
    let p = post
        .post("/v1/ident/mrz", &json!({"lines": "P<UTO"}))
        .await
        .problem(400);
    assert_eq!(p["field"], "lines");
    let p = post
        .post("/v1/ident/mrz", &json!({"line": TD3}))
        .await
        .problem(400);
    assert!(p["detail"].as_str().unwrap().contains("line"), "{p}");
}
