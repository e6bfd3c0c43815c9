//! The static token file against kube's tokenfile cases and Go's CSV rules.

#![allow(clippy::unwrap_used)]

use concord_apimachinery::tokens::{TokenFile, TokenFileError};

fn groups(file: &TokenFile, token: &str) -> Vec<String> {
    file.authenticate(token).unwrap().groups
}

#[test]
fn kube_token_file_cases() {
    let file = TokenFile::parse(
        "token1,user1,uid1\n\
         token2,user2,uid2\n\
         token3,user3,uid3,\"group1,group2\"\n\
         token4,user4,uid4,\"group2\"\n\
         token5,user5,uid5,group5\n\
         token6,user6,uid6,group5,otherdata\n\
         token7,user7,uid7,\"group1,group2\",otherdata\n",
    )
    .unwrap();
    assert_eq!(file.len(), 7);
    let user1 = file.authenticate("token1").unwrap();
    assert_eq!((user1.name.as_str(), user1.uid.as_str()), ("user1", "uid1"));
    assert_eq!(user1.groups, ["system:authenticated"]);
    assert_eq!(groups(&file, "token3"), ["group1", "group2", "system:authenticated"]);
    assert_eq!(groups(&file, "token4"), ["group2", "system:authenticated"]);
    assert_eq!(groups(&file, "token5"), ["group5", "system:authenticated"]);
    assert_eq!(groups(&file, "token6"), ["group5", "system:authenticated"]);
    assert_eq!(groups(&file, "token7"), ["group1", "group2", "system:authenticated"]);
    assert!(file.authenticate("token8").is_none());
    assert!(file.authenticate("").is_none());
    assert!(file.authenticate("token").is_none());
    assert!(file.authenticate("token11").is_none());
}

#[test]
fn blank_lines_empty_tokens_and_duplicates() {
    let file = TokenFile::parse("\n\r\nt1,a,1\n\n,skipped,2\nt1,b,3\r\nt2,c,4,\n").unwrap();
    assert_eq!(file.len(), 2);
    assert_eq!(file.authenticate("t1").unwrap().name, "b");
    // An empty fourth column is one empty group, as kube's strings.Split gives.
    assert_eq!(groups(&file, "t2"), ["", "system:authenticated"]);
    assert!(TokenFile::parse("").unwrap().is_empty());
    // No trailing newline, and a trailing carriage return, are fine.
    assert_eq!(TokenFile::parse("t,u,1\r").unwrap().authenticate("t").unwrap().uid, "1");
    // Spaces are data.
    assert_eq!(TokenFile::parse(" t ,u,1").unwrap().authenticate(" t ").unwrap().name, "u");
}

#[test]
fn quoting_as_go_csv() {
    let file = TokenFile::parse("\"tok,en\",\"us\"\"er\",\"multi\nline\",\"a,b\"\nnext,u,2\n").unwrap();
    let user = file.authenticate("tok,en").unwrap();
    assert_eq!(user.name, "us\"er");
    assert_eq!(user.uid, "multi\nline");
    assert_eq!(user.groups, ["a", "b", "system:authenticated"]);
    assert!(file.authenticate("next").is_some());
    // A quoted last field followed by a comma still has an empty field after it.
    let file = TokenFile::parse("\"t\",u,1,\"\",\n").unwrap();
    assert_eq!(groups(&file, "t"), ["", "system:authenticated"]);
}

#[test]
fn errors_with_lines_and_columns() {
    let err = |text: &str| TokenFile::parse(text).unwrap_err();
    assert_eq!(err("good,u,1\ntoken1,user1\n"), TokenFileError::TooFewColumns { line: 2, found: 2 });
    assert_eq!(
        err("good,u,1\ntoken1,user1\n").to_string(),
        "record on line 2: token file must have at least 3 columns (token, user name, user uid), found 2"
    );
    // Comment lines are not a thing in Go's CSV reader.
    assert_eq!(err("# tokens\nt,u,1\n"), TokenFileError::TooFewColumns { line: 1, found: 1 });
    assert_eq!(err("   \n"), TokenFileError::TooFewColumns { line: 1, found: 1 });
    assert_eq!(err("t,u\"x,1\n").to_string(), "parse error on line 1, column 4: bare \" in non-quoted-field");
    assert_eq!(
        err("a,b,c\nt,\"u\"x,1\n").to_string(),
        "parse error on line 2, column 5: extraneous or missing \" in quoted-field"
    );
    assert_eq!(
        err("t,u,\"unterminated").to_string(),
        "parse error on line 1, column 18: extraneous or missing \" in quoted-field"
    );
    assert_eq!(
        err("t,u,\"spans\nlines\" x\n").to_string(),
        "record on line 1; parse error on line 2, column 6: extraneous or missing \" in quoted-field"
    );
    assert_eq!(
        err("x,y,z\n\"a\nb\nc").to_string(),
        "record on line 2; parse error on line 4, column 2: extraneous or missing \" in quoted-field"
    );
}

#[test]
fn debug_never_shows_tokens() {
    let file = TokenFile::parse("very-secret-token,alice,1\nother-secret,bob,2\n").unwrap();
    let debug = format!("{file:?}");
    assert!(!debug.contains("secret"), "{debug}");
    assert!(debug.contains("alice") && debug.contains("bob"), "{debug}");
}
