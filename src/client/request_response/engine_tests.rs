//! The request-response engine on a virtual clock: what it asks of the protocol client and what
//! it reports, step by step, against upstream's request-response semantics.

use super::*;

const SECOND: u64 = 1_000_000_000;

fn engine(max_request: usize, max_streaming: usize) -> Engine {
    let config = Config {
        budget: Budget {
            max_request,
            max_streaming,
        },
        timeout_ns: 10 * SECOND,
    };
    Engine::new(config, true)
}

/// A shadow-style request: "<thing>/get", answered on "<thing>/get/accepted" or "/rejected".
fn request(thing: &str, token: &str) -> RequestSpec {
    let path = |suffix: &str| ResponsePath {
        topic: format!("{thing}/get/{suffix}"),
        token_path: if token.is_empty() {
            String::new()
        } else {
            "clientToken".into()
        },
    };
    RequestSpec {
        filters: vec![
            format!("{thing}/get/accepted"),
            format!("{thing}/get/rejected"),
        ],
        paths: vec![path("accepted"), path("rejected")],
        publish_topic: format!("{thing}/get"),
        payload: format!(r#"{{"clientToken":"{token}"}}"#).into_bytes(),
        token: token.as_bytes().to_vec(),
    }
}

fn submit(e: &mut Engine, now: u64, spec: RequestSpec) -> OpId {
    let op = e.allocate_id();
    e.submit_request(now, op, spec);
    e.service(now);
    op
}

fn subscribe(filter: &str) -> Action {
    Action::Subscribe(filter.into())
}

fn unsubscribe(filter: &str) -> Action {
    Action::Unsubscribe(filter.into())
}

fn publish_of(op: OpId, thing: &str, token: &str) -> Action {
    Action::Publish {
        op,
        topic: format!("{thing}/get"),
        payload: format!(r#"{{"clientToken":"{token}"}}"#).into_bytes(),
    }
}

fn events(e: &mut Engine) -> Vec<Event> {
    std::iter::from_fn(|| e.take_event()).collect()
}

fn grant(e: &mut Engine, now: u64, filters: &[&str]) {
    for f in filters {
        e.subscribed(f, Ok(()));
    }
    e.service(now);
}

fn response(token: &str) -> Vec<u8> {
    format!(r#"{{"clientToken":"{token}","state":{{"reported":{{}}}}}}"#).into_bytes()
}

#[test]
fn a_request_subscribes_publishes_once_subscribed_and_completes_with_its_response() {
    let mut e = engine(4, 2);
    let op = submit(&mut e, 0, request("t", "tok-1"));
    assert_eq!(
        e.take_actions(),
        [subscribe("t/get/accepted"), subscribe("t/get/rejected")]
    );
    e.subscribed("t/get/accepted", Ok(()));
    e.service(1);
    assert_eq!(
        e.take_actions(),
        [],
        "publishes only when every filter is in place"
    );
    e.subscribed("t/get/rejected", Ok(()));
    e.service(2);
    assert_eq!(e.take_actions(), [publish_of(op, "t", "tok-1")]);
    let m = e.on_publish("t/get/accepted", &response("tok-1"));
    assert_eq!(m.request, Some(op));
    assert_eq!(events(&mut e), []);
    // Completed exactly once: the same response again finds nothing.
    assert_eq!(
        e.on_publish("t/get/accepted", &response("tok-1")),
        Matches::default()
    );
    assert_eq!(
        e.next_deadline(),
        Some(10 * SECOND),
        "a stale deadline is harmless"
    );
    e.service(10 * SECOND);
    assert_eq!(events(&mut e), [], "a completed request does not time out");
}

#[test]
fn responses_with_another_token_or_on_another_topic_are_not_the_answer() {
    let mut e = engine(4, 2);
    let op = submit(&mut e, 0, request("t", "mine"));
    grant(&mut e, 0, &["t/get/accepted", "t/get/rejected"]);
    e.take_actions();
    assert_eq!(
        e.on_publish("t/get/accepted", &response("theirs")).request,
        None
    );
    assert_eq!(e.on_publish("t/get", &response("mine")).request, None);
    assert_eq!(e.on_publish("t/get/accepted", b"not json").request, None);
    assert_eq!(
        e.on_publish("t/get/rejected", &response("mine")).request,
        Some(op)
    );
}

#[test]
fn concurrent_requests_with_distinct_tokens_share_the_subscriptions() {
    let mut e = engine(4, 2);
    let a = submit(&mut e, 0, request("t", "a"));
    let b = submit(&mut e, 0, request("t", "b"));
    assert_eq!(
        e.take_actions(),
        [subscribe("t/get/accepted"), subscribe("t/get/rejected")],
        "one SUBSCRIBE per filter, not per request"
    );
    grant(&mut e, 1, &["t/get/accepted", "t/get/rejected"]);
    assert_eq!(
        e.take_actions(),
        [publish_of(a, "t", "a"), publish_of(b, "t", "b")]
    );
    assert_eq!(
        e.on_publish("t/get/accepted", &response("b")).request,
        Some(b)
    );
    assert_eq!(
        e.on_publish("t/get/rejected", &response("a")).request,
        Some(a)
    );
    // Once both are done the filters are unused, and the next pass unsubscribes them.
    e.service(2);
    assert_eq!(
        sorted(e.take_actions()),
        [unsubscribe("t/get/accepted"), unsubscribe("t/get/rejected")]
    );
}

fn sorted(mut actions: Vec<Action>) -> Vec<Action> {
    actions.sort_by_key(|a| format!("{a:?}"));
    actions
}

#[test]
fn requests_with_the_same_token_run_one_after_the_other_and_so_do_those_without_one() {
    for token in ["same", ""] {
        let mut e = engine(4, 2);
        let first = submit(&mut e, 0, request("t", token));
        let second = submit(&mut e, 0, request("t", token));
        e.take_actions();
        grant(&mut e, 1, &["t/get/accepted", "t/get/rejected"]);
        let actions = e.take_actions();
        assert_eq!(actions, [publish_of(first, "t", token)], "{token:?}");
        assert_eq!(
            e.on_publish("t/get/accepted", &response(token)).request,
            Some(first)
        );
        e.service(2);
        assert_eq!(
            e.take_actions(),
            [publish_of(second, "t", token)],
            "{token:?}"
        );
        assert_eq!(
            e.on_publish("t/get/accepted", &response(token)).request,
            Some(second)
        );
    }
}

#[test]
fn a_request_nobody_answers_times_out_and_its_subscriptions_are_released() {
    let mut e = engine(4, 2);
    let op = submit(&mut e, 5 * SECOND, request("t", "x"));
    grant(&mut e, 5 * SECOND, &["t/get/accepted", "t/get/rejected"]);
    e.take_actions();
    assert_eq!(e.next_deadline(), Some(15 * SECOND));
    e.service(15 * SECOND - 1);
    assert_eq!(events(&mut e), []);
    e.service(15 * SECOND);
    assert_eq!(
        events(&mut e),
        [Event::RequestFailed {
            op,
            failure: Failure::Timeout
        }]
    );
    assert_eq!(
        sorted(e.take_actions()),
        [unsubscribe("t/get/accepted"), unsubscribe("t/get/rejected")]
    );
    assert_eq!(
        e.on_publish("t/get/accepted", &response("x")),
        Matches::default()
    );
}

#[test]
fn a_refused_subscription_fails_the_request() {
    for retryable in [true, false] {
        let mut e = engine(4, 2);
        let op = submit(&mut e, 0, request("t", "x"));
        e.subscribed("t/get/accepted", Err(retryable));
        e.service(1);
        assert_eq!(
            events(&mut e),
            [Event::RequestFailed {
                op,
                failure: Failure::SubscribeFailure
            }]
        );
    }
}

#[test]
fn a_failed_publish_fails_the_request() {
    let mut e = engine(4, 2);
    let op = submit(&mut e, 0, request("t", "x"));
    grant(&mut e, 0, &["t/get/accepted", "t/get/rejected"]);
    e.publish_failed(op);
    assert_eq!(
        events(&mut e),
        [Event::RequestFailed {
            op,
            failure: Failure::PublishFailure
        }]
    );
    e.publish_failed(op);
    assert_eq!(events(&mut e), [], "completes once");
}

#[test]
fn the_request_budget_blocks_until_unused_subscriptions_are_unsubscribed() {
    let mut e = engine(2, 2);
    let a = submit(&mut e, 0, request("a", "1"));
    grant(&mut e, 0, &["a/get/accepted", "a/get/rejected"]);
    e.take_actions();
    let b = submit(&mut e, 1, request("b", "2"));
    assert_eq!(e.take_actions(), [], "no room while a's filters are held");
    assert_eq!(
        e.on_publish("a/get/accepted", &response("1")).request,
        Some(a)
    );
    e.service(2);
    assert_eq!(
        sorted(e.take_actions()),
        [unsubscribe("a/get/accepted"), unsubscribe("a/get/rejected")],
        "the unused subscriptions go to make room"
    );
    e.unsubscribed("a/get/accepted", true);
    e.service(3);
    assert_eq!(
        e.take_actions(),
        [],
        "room for one filter is not room for two"
    );
    e.unsubscribed("a/get/rejected", true);
    e.service(4);
    assert_eq!(
        e.take_actions(),
        [subscribe("b/get/accepted"), subscribe("b/get/rejected")]
    );
    grant(&mut e, 5, &["b/get/accepted", "b/get/rejected"]);
    assert_eq!(e.take_actions(), [publish_of(b, "b", "2")]);
}

#[test]
fn a_request_mixing_subscribed_and_new_filters_publishes_after_the_new_suback() {
    let mut e = engine(4, 2);
    let a = submit(&mut e, 0, request("t", "a"));
    e.take_actions();
    grant(&mut e, 0, &["t/get/accepted", "t/get/rejected"]);
    assert_eq!(e.take_actions(), [publish_of(a, "t", "a")]);
    let mut spec = request("t", "b");
    spec.filters.push("t/extra".into());
    let b = submit(&mut e, 1, spec);
    assert_eq!(e.take_actions(), [subscribe("t/extra")]);
    grant(&mut e, 2, &["t/extra"]);
    assert_eq!(e.take_actions(), [publish_of(b, "t", "b")]);
}

#[test]
fn offline_requests_wait_for_the_connection_and_their_deadline_still_runs() {
    let mut e = Engine::new(
        Config {
            budget: Budget {
                max_request: 4,
                max_streaming: 2,
            },
            timeout_ns: 10 * SECOND,
        },
        false,
    );
    let a = submit(&mut e, 0, request("t", "a"));
    assert_eq!(e.take_actions(), []);
    e.connected(true);
    e.service(1);
    assert_eq!(
        e.take_actions(),
        [subscribe("t/get/accepted"), subscribe("t/get/rejected")]
    );
    e.disconnected();
    e.service(10 * SECOND);
    assert_eq!(
        events(&mut e),
        [Event::RequestFailed {
            op: a,
            failure: Failure::Timeout
        }]
    );
    assert_eq!(e.take_actions(), [], "no UNSUBSCRIBE while offline");
}

#[test]
fn a_request_subscription_ended_by_a_new_session_fails_the_request() {
    let mut e = engine(4, 2);
    let op = submit(&mut e, 0, request("t", "x"));
    grant(&mut e, 0, &["t/get/accepted", "t/get/rejected"]);
    e.take_actions();
    e.disconnected();
    e.connected(true);
    e.service(1);
    assert_eq!(
        events(&mut e),
        [],
        "a rejoined session keeps the subscriptions"
    );
    e.disconnected();
    e.connected(false);
    e.service(2);
    assert_eq!(
        events(&mut e),
        [Event::RequestFailed {
            op,
            failure: Failure::SubscribeFailure
        }]
    );
}

fn stream(e: &mut Engine, filter: &str) -> OpId {
    let op = e.allocate_id();
    e.activate_stream(op, filter.into());
    e.service(0);
    op
}

fn status(op: OpId, status: StreamStatus) -> Event {
    Event::Stream { op, status }
}

#[test]
fn a_streaming_operation_is_established_receives_matching_publishes_and_survives_a_new_session() {
    let mut e = engine(2, 2);
    let op = stream(&mut e, "things/+/events");
    assert_eq!(e.take_actions(), [subscribe("things/+/events")]);
    assert_eq!(
        e.on_publish("things/a/events", b"x").streams,
        [op],
        "listens while subscribing"
    );
    grant(&mut e, 1, &["things/+/events"]);
    assert_eq!(events(&mut e), [status(op, StreamStatus::Established)]);
    assert_eq!(e.on_publish("things/b/events", b"x").streams, [op]);
    assert_eq!(
        e.on_publish("things/b/other", b"x").streams,
        [] as [OpId; 0]
    );
    e.disconnected();
    e.connected(false);
    e.service(2);
    assert_eq!(events(&mut e), [status(op, StreamStatus::Lost)]);
    assert_eq!(
        e.take_actions(),
        [subscribe("things/+/events")],
        "subscribed again"
    );
    grant(&mut e, 3, &["things/+/events"]);
    assert_eq!(events(&mut e), [status(op, StreamStatus::Established)]);
    e.close_stream(op);
    e.service(4);
    assert_eq!(e.take_actions(), [unsubscribe("things/+/events")]);
    assert_eq!(e.on_publish("things/b/events", b"x"), Matches::default());
}

#[test]
fn two_streaming_operations_on_one_filter_share_its_subscription() {
    let mut e = engine(2, 1);
    let a = stream(&mut e, "s");
    let b = stream(&mut e, "s");
    assert_eq!(e.take_actions(), [subscribe("s")]);
    grant(&mut e, 1, &["s"]);
    assert_eq!(
        events(&mut e),
        [
            status(a, StreamStatus::Established),
            status(b, StreamStatus::Established)
        ]
    );
    assert_eq!(e.on_publish("s", b"x").streams, [a, b]);
    e.close_stream(a);
    e.service(2);
    assert_eq!(e.take_actions(), [], "b still uses it");
    assert_eq!(e.on_publish("s", b"x").streams, [b]);
}

#[test]
fn a_streaming_subscription_refused_for_good_halts_and_a_retryable_refusal_tries_again() {
    let mut e = engine(2, 2);
    let op = stream(&mut e, "s");
    e.take_actions();
    e.subscribed("s", Err(true));
    e.service(1);
    assert_eq!(e.take_actions(), [subscribe("s")]);
    assert_eq!(events(&mut e), []);
    e.subscribed("s", Err(false));
    e.service(2);
    assert_eq!(
        events(&mut e),
        [status(op, StreamStatus::Halted(Failure::SubscribeFailure))]
    );
    // The filter is poisoned until its operations are closed: another one fails at once.
    let other = stream(&mut e, "s");
    assert_eq!(
        events(&mut e),
        [status(
            other,
            StreamStatus::Halted(Failure::SubscribeFailure)
        )]
    );
    assert_eq!(e.on_publish("s", b"x").streams, [] as [OpId; 0]);
    e.close_stream(op);
    e.close_stream(other);
    e.service(3);
    let again = stream(&mut e, "s");
    assert_eq!(
        e.take_actions(),
        [subscribe("s")],
        "closed, the filter may be tried again"
    );
    assert_eq!(events(&mut e), []);
    let _ = again;
}

#[test]
fn streaming_operations_beyond_the_budget_fail_with_no_capacity() {
    let mut e = engine(2, 2);
    let a = stream(&mut e, "a");
    let _b = stream(&mut e, "b");
    let c = stream(&mut e, "c");
    assert_eq!(
        events(&mut e),
        [status(
            c,
            StreamStatus::Halted(Failure::NoSubscriptionCapacity)
        )]
    );
    // While one is being unsubscribed, a new one waits for its room instead.
    grant(&mut e, 1, &["a", "b"]);
    events(&mut e);
    e.take_actions();
    e.close_stream(a);
    e.service(2);
    assert_eq!(e.take_actions(), [unsubscribe("a")]);
    let d = stream(&mut e, "d");
    assert_eq!(e.take_actions(), [], "blocked behind the UNSUBSCRIBE");
    e.unsubscribed("a", true);
    e.service(3);
    assert_eq!(e.take_actions(), [subscribe("d")]);
    grant(&mut e, 4, &["d"]);
    assert_eq!(events(&mut e), [status(d, StreamStatus::Established)]);
}

#[test]
fn shutting_down_fails_requests_halts_streams_and_unsubscribes() {
    let mut e = engine(4, 2);
    let r = submit(&mut e, 0, request("t", "x"));
    let s = stream(&mut e, "s");
    grant(&mut e, 0, &["t/get/accepted", "t/get/rejected", "s"]);
    events(&mut e);
    e.take_actions();
    e.shut_down();
    assert_eq!(
        events(&mut e),
        [
            Event::RequestFailed {
                op: r,
                failure: Failure::ShutDown
            },
            status(s, StreamStatus::Halted(Failure::ShutDown))
        ]
    );
    assert_eq!(
        sorted(e.take_actions()),
        [
            unsubscribe("s"),
            unsubscribe("t/get/accepted"),
            unsubscribe("t/get/rejected")
        ]
    );
    let late = submit(&mut e, 1, request("t", "y"));
    assert_eq!(
        events(&mut e),
        [Event::RequestFailed {
            op: late,
            failure: Failure::ShutDown
        }]
    );
    e.close_stream(s);
    assert_eq!(e.take_actions(), []);
}

#[test]
fn invalid_configurations_are_refused_as_upstream() {
    let config = |max_request, timeout_ns| Config {
        budget: Budget {
            max_request,
            max_streaming: 0,
        },
        timeout_ns,
    };
    assert!(config(2, 1).is_valid());
    assert!(
        !config(1, SECOND).is_valid(),
        "fewer than two request subscriptions"
    );
    assert!(!config(2, 0).is_valid(), "no timeout");
}

/// A request on "t" answered, and the next pass releasing its filters: the UNSUBSCRIBEs out.
fn answered_and_released(e: &mut Engine) {
    let first = submit(e, 0, request("t", "a"));
    e.take_actions();
    grant(e, 0, &["t/get/accepted", "t/get/rejected"]);
    assert_eq!(e.take_actions(), [publish_of(first, "t", "a")]);
    assert_eq!(
        e.on_publish("t/get/accepted", &response("a")).request,
        Some(first)
    );
    // The next pass releases the filters nobody uses any more.
    e.service(1);
    assert_eq!(
        e.take_actions(),
        [unsubscribe("t/get/accepted"), unsubscribe("t/get/rejected")]
    );
}

#[test]
fn a_request_after_its_filters_were_unsubscribed_publishes_once_subscribed_again() {
    let mut e = engine(4, 2);
    answered_and_released(&mut e);
    for f in ["t/get/accepted", "t/get/rejected"] {
        e.unsubscribed(f, true);
    }
    e.service(2);
    assert_eq!(e.take_actions(), []);
    // A second request needs them again.
    let second = submit(&mut e, 3, request("t", "b"));
    assert_eq!(
        e.take_actions(),
        [subscribe("t/get/accepted"), subscribe("t/get/rejected")]
    );
    grant(&mut e, 4, &["t/get/accepted", "t/get/rejected"]);
    assert_eq!(e.take_actions(), [publish_of(second, "t", "b")]);
}

#[test]
fn a_request_arriving_while_its_filters_are_being_unsubscribed_publishes_after_resubscribing() {
    let mut e = engine(4, 2);
    answered_and_released(&mut e);
    // The second request comes while the UNSUBSCRIBEs are out.
    let second = submit(&mut e, 2, request("t", "b"));
    let during = e.take_actions();
    for f in ["t/get/accepted", "t/get/rejected"] {
        e.unsubscribed(f, true);
    }
    e.service(3);
    let mut after = during;
    after.extend(e.take_actions());
    assert_eq!(
        after,
        [subscribe("t/get/accepted"), subscribe("t/get/rejected")]
    );
    grant(&mut e, 4, &["t/get/accepted", "t/get/rejected"]);
    assert_eq!(e.take_actions(), [publish_of(second, "t", "b")]);
}

/// The shadow client's shape: one wildcard filter covering both response paths.
fn wildcard_request(token: &str) -> RequestSpec {
    let base = "$aws/things/t/shadow/name/s/get";
    let path = |suffix: &str| ResponsePath {
        topic: format!("{base}/{suffix}"),
        token_path: "clientToken".into(),
    };
    RequestSpec {
        filters: vec![format!("{base}/+")],
        paths: vec![path("accepted"), path("rejected")],
        publish_topic: base.into(),
        payload: format!(r#"{{"clientToken":"{token}"}}"#).into_bytes(),
        token: token.as_bytes().to_vec(),
    }
}

#[test]
fn a_wildcard_filter_released_and_subscribed_again_lets_the_next_request_publish() {
    let filter = "$aws/things/t/shadow/name/s/get/+";
    let mut e = engine(10, 5);
    let first = submit(&mut e, 0, wildcard_request("a"));
    assert_eq!(e.take_actions(), [subscribe(filter)]);
    grant(&mut e, 1, &[filter]);
    let published = e.take_actions();
    assert!(
        matches!(published[..], [Action::Publish { op, .. }] if op == first),
        "{published:?}"
    );
    let topic = "$aws/things/t/shadow/name/s/get/accepted";
    assert_eq!(e.on_publish(topic, &response("a")).request, Some(first));
    e.service(2);
    assert_eq!(e.take_actions(), [unsubscribe(filter)]);
    e.unsubscribed(filter, true);
    e.service(3);
    assert_eq!(e.take_actions(), []);
    let second = submit(&mut e, 4, wildcard_request("b"));
    assert_eq!(e.take_actions(), [subscribe(filter)]);
    grant(&mut e, 5, &[filter]);
    let published = e.take_actions();
    assert!(
        matches!(published[..], [Action::Publish { op, .. }] if op == second),
        "{published:?}"
    );
}
