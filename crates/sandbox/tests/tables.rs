//! The Table form over raw HTTP: a page large enough to be printed by several threads must
//! hold every row once, in list order, with each object embedded exactly as the JSON list has it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use futures::StreamExt;
use serde_json::{Value, json};

const TABLE: &str = "application/json;as=Table;g=meta.k8s.io;v=v1";

async fn get(client: &reqwest::Client, url: &str, accept: &str) -> Value {
    let response = client.get(url).header("Accept", accept).send().await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    response.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_tables_keep_every_row_and_object() {
    let ts = common::start().await;
    let url = ts.url();
    let client = reqwest::Client::new();
    // More than the rows one thread prints (512), with labels and managedFields to embed.
    let creates = futures::stream::iter(0..700).map(|i| {
        let client = client.clone();
        let url = url.clone();
        async move {
            let body = json!({
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": format!("cm-{i:04}"), "labels": {"n": i.to_string()}},
                "data": {"k": "v"},
            });
            let response = client
                .post(format!("{url}/api/v1/namespaces/default/configmaps"))
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 201);
        }
    });
    creates.buffer_unordered(16).collect::<Vec<()>>().await;

    let list_url = format!("{url}/api/v1/namespaces/default/configmaps");
    let list = get(&client, &list_url, "application/json").await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 700);

    let table = get(&client, &list_url, TABLE).await;
    assert_eq!(table["kind"], "Table");
    assert_eq!(table["metadata"]["resourceVersion"], list["metadata"]["resourceVersion"]);
    let rows = table["rows"].as_array().unwrap();
    assert_eq!(rows.len(), items.len());
    for (row, item) in rows.iter().zip(items) {
        assert_eq!(row["cells"][0], item["metadata"]["name"]);
        assert_eq!(row["cells"][1], 1, "DATA");
        assert_eq!(row["object"]["kind"], "PartialObjectMetadata");
        assert_eq!(row["object"]["metadata"], item["metadata"]);
        assert!(row["object"]["metadata"]["managedFields"].is_array());
    }

    let table = get(&client, &format!("{list_url}?includeObject=Object"), TABLE).await;
    let rows = table["rows"].as_array().unwrap();
    assert_eq!(rows.len(), items.len());
    assert!(rows.iter().zip(items).all(|(row, item)| row["object"] == *item));

    let table = get(&client, &format!("{list_url}?includeObject=None"), TABLE).await;
    let rows = table["rows"].as_array().unwrap();
    assert_eq!(rows.len(), items.len());
    assert!(rows.iter().all(|row| row.get("object").is_none()));

    // Pages of a Table: the rows of the pages are the rows of the whole.
    let page = get(&client, &format!("{list_url}?limit=600"), TABLE).await;
    assert_eq!(page["metadata"]["remainingItemCount"], 100);
    let token = page["metadata"]["continue"].as_str().unwrap();
    let rest = get(&client, &format!("{list_url}?limit=600&continue={token}"), TABLE).await;
    let names: Vec<&Value> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .chain(rest["rows"].as_array().unwrap())
        .map(|r| &r["cells"][0])
        .collect();
    assert_eq!(names, items.iter().map(|i| &i["metadata"]["name"]).collect::<Vec<_>>());

    // One object as a Table, and its watch events as Tables.
    let one = get(&client, &format!("{list_url}/cm-0007"), TABLE).await;
    assert_eq!(one["rows"].as_array().unwrap().len(), 1);
    assert_eq!(one["rows"][0]["object"]["metadata"], items[7]["metadata"]);
    let watch_url = format!(
        "{list_url}?watch=true&fieldSelector=metadata.name%3Dcm-0007&resourceVersion={}",
        list["metadata"]["resourceVersion"].as_str().unwrap()
    );
    let mut watch = client.get(&watch_url).header("Accept", TABLE).send().await.unwrap();
    let patched = client
        .patch(format!("{list_url}/cm-0007"))
        .header("Content-Type", "application/merge-patch+json")
        .body(r#"{"data":{"k2":"v2"}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let patched: Value = patched.json().await.unwrap();
    let mut line = Vec::new();
    while !line.ends_with(b"\n") {
        let chunk =
            tokio::time::timeout(std::time::Duration::from_secs(10), watch.chunk()).await.unwrap().unwrap();
        line.extend_from_slice(&chunk.expect("the watch stays open"));
    }
    let event: Value = serde_json::from_slice(&line).unwrap();
    assert_eq!(event["type"], "MODIFIED");
    assert_eq!(event["object"]["kind"], "Table");
    assert_eq!(event["object"]["rows"][0]["cells"][1], 2, "DATA");
    assert_eq!(event["object"]["rows"][0]["object"]["metadata"], patched["metadata"]);
}
