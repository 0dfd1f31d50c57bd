//! The profile file rules, case by case (after aws-c-auth's tests/aws_profile_tests.c).

use super::*;

fn config(text: &str) -> Result<Collection, Fatal> {
    parse(text.as_bytes(), Source::Config)
}

fn credentials(text: &str) -> Result<Collection, Fatal> {
    parse(text.as_bytes(), Source::Credentials)
}

fn value<'a>(c: &'a Collection, profile: &str, key: &str) -> Option<&'a str> {
    c.profile(profile.as_bytes())?
        .get(key.as_bytes())
        .map(|v| std::str::from_utf8(v).unwrap())
}

#[test]
fn empty_files_and_comments_make_empty_collections() {
    for text in ["", "\n\n", "# comment\n; other\n   \n\t\n"] {
        assert_eq!(config(text).unwrap().sections[0].len(), 0, "{text:?}");
    }
}

#[test]
fn properties_belong_to_the_section_above_them() {
    let c = config("[default]\nname = value\n[profile foo]\nname2=value2\r\n").unwrap();
    assert_eq!(value(&c, "default", "name"), Some("value"));
    assert_eq!(value(&c, "foo", "name2"), Some("value2"));
    assert!(c.profile(b"foo").unwrap().has_profile_prefix);
    // A later value of the same property wins.
    let c = config("[default]\nname = a\nname = b").unwrap();
    assert_eq!(value(&c, "default", "name"), Some("b"));
}

#[test]
fn the_config_file_needs_the_profile_prefix_and_the_credentials_file_refuses_it() {
    let c = config("[foo]\nname = value\n[profile bar]\nx = y").unwrap();
    assert!(c.profile(b"foo").is_none());
    assert_eq!(value(&c, "bar", "x"), Some("y"));
    let c = credentials("[foo]\nname = value\n[profile bar]\nx = y").unwrap();
    assert_eq!(value(&c, "foo", "name"), Some("value"));
    assert!(c.profile(b"bar").is_none());
    assert!(c.profile(b"profile bar").is_none());
    // "profilefoo" is a name, not a prefix.
    let c = credentials("[profilefoo]\na = b").unwrap();
    assert_eq!(value(&c, "profilefoo", "a"), Some("b"));
}

#[test]
fn profile_default_beats_default_in_the_config_file() {
    let c = config("[profile default]\na = 1\n[default]\na = 2\nb = 3").unwrap();
    assert_eq!(value(&c, "default", "a"), Some("1"));
    assert_eq!(value(&c, "default", "b"), None);
    let c = config("[default]\na = 2\nb = 3\n[profile default]\na = 1").unwrap();
    assert_eq!(value(&c, "default", "a"), Some("1"));
    assert_eq!(value(&c, "default", "b"), None);
}

#[test]
fn comments_follow_a_declaration_anywhere_and_a_value_only_after_white_space() {
    let c = config("[profile foo]#comment\na = b#c\nd = e ;f\ng = h\t#i").unwrap();
    assert_eq!(value(&c, "foo", "a"), Some("b#c"));
    assert_eq!(value(&c, "foo", "d"), Some("e"));
    assert_eq!(value(&c, "foo", "g"), Some("h"));
}

#[test]
fn continuations_join_with_newlines_and_make_sub_properties_of_empty_values() {
    let c =
        config("[default]\na = b\n  c # not a comment\ns3 =\n  max = 10\n  region= us-west-2 \n")
            .unwrap();
    assert_eq!(value(&c, "default", "a"), Some("b\nc # not a comment"));
    let s3 = &c.profile(b"default").unwrap().properties[&b"s3".to_vec()];
    assert_eq!(s3.value, b"\nmax = 10\nregion= us-west-2");
    assert_eq!(s3.sub_properties[&b"max".to_vec()], b"10");
    assert_eq!(s3.sub_properties[&b"region".to_vec()], b"us-west-2");
}

#[test]
fn sections_of_other_kinds_are_kept_apart() {
    let c = config("[sso-session s]\nsso_region = r\n[services svc]\nx = y\n[profile s]\nz = w")
        .unwrap();
    assert_eq!(
        c.sections[Section::SsoSession as usize][&b"s".to_vec()].get(b"sso_region"),
        Some(&b"r"[..])
    );
    assert!(c.sections[Section::Services as usize].contains_key(b"svc".as_slice()));
    assert_eq!(value(&c, "s", "z"), Some("w"));
}

#[test]
fn recoverable_errors_skip_the_line_and_fatal_ones_the_file() {
    // Bad names and keys are skipped, and so are the properties of a skipped section.
    let c = config("[profile in valid]\na = b\n[profile ok]\nbad key = 1\nk = v").unwrap();
    assert!(c.profile(b"in").is_none());
    assert_eq!(value(&c, "ok", "k"), Some("v"));
    assert_eq!(value(&c, "ok", "bad key"), None);
    for fatal in [
        "[profile foo\na = b",
        "a = b\n[default]",
        "  continuation first",
        "[default]\n= value",
        "[default]\nnovalue",
        "[default]\na =\n  = 1",
    ] {
        assert_eq!(config(fatal), Err(Fatal), "{fatal:?}");
    }
    // A property after a bad section is recoverable, and so is a key with white space and no '='.
    assert!(config("[foo]\na = b").is_ok());
    assert!(config("[default]\nno value").is_ok());
}

#[test]
fn merging_lets_the_credentials_file_win() {
    let cfg = config("[default]\nregion = us-east-1\naws_access_key_id = A\n[profile only]\nx = 1")
        .unwrap();
    let creds = credentials("[default]\naws_access_key_id = B\naws_secret_access_key = S").unwrap();
    let m = merge(Some(&cfg), Some(&creds));
    assert_eq!(value(&m, "default", "aws_access_key_id"), Some("B"));
    assert_eq!(value(&m, "default", "region"), Some("us-east-1"));
    assert_eq!(value(&m, "default", "aws_secret_access_key"), Some("S"));
    assert_eq!(value(&m, "only", "x"), Some("1"));
    assert_eq!(merge(None, None).sections[0].len(), 0);
}
