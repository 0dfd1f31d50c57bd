//! Outbound flow control: the server's Receive Maximum [MQTT-4.9] and, under AWS IoT Core's
//! limits, token buckets for publishes per second and bytes per second.

/// AWS IoT Core's publish rate limit per connection (`AWS_IOT_CORE_PUBLISH_PER_SECOND_LIMIT`).
pub const IOT_CORE_PUBLISHES_PER_SECOND: u64 = 100;
/// AWS IoT Core's throughput limit per connection (`AWS_IOT_CORE_THROUGHPUT_LIMIT`).
pub const IOT_CORE_BYTES_PER_SECOND: u64 = 512 * 1024;

const NANOS_PER_SECOND: u128 = 1_000_000_000;

/// A token bucket refilled continuously at `rate` tokens per second up to `capacity`, empty at
/// the start as upstream's. Levels are kept in token-nanoseconds, so no rounding error builds up.
#[derive(Clone, Debug)]
pub struct TokenBucket {
    rate: u64,
    capacity: u64,
    level: u128,
    updated_at: u64,
}

impl TokenBucket {
    /// An empty bucket.
    pub fn new(rate: u64, capacity: u64, now: u64) -> TokenBucket {
        TokenBucket {
            rate,
            capacity,
            level: 0,
            updated_at: now,
        }
    }

    /// Empties the bucket at `now`.
    pub fn reset(&mut self, now: u64) {
        self.level = 0;
        self.updated_at = now;
    }

    fn refill(&mut self, now: u64) {
        if now > self.updated_at {
            let gained = u128::from(now - self.updated_at) * u128::from(self.rate);
            let full = u128::from(self.capacity) * NANOS_PER_SECOND;
            self.level = (self.level + gained).min(full);
            self.updated_at = now;
        }
    }

    /// Nanoseconds until `tokens` are there (0: now). A request above the capacity waits
    /// until the bucket is full.
    pub fn wait_for(&mut self, now: u64, tokens: u64) -> u64 {
        self.refill(now);
        let wanted = u128::from(tokens.min(self.capacity)) * NANOS_PER_SECOND;
        if self.level >= wanted {
            return 0;
        }
        let missing = wanted - self.level;
        let rate = u128::from(self.rate.max(1));
        u64::try_from(missing.div_ceil(rate)).unwrap_or(u64::MAX)
    }

    /// Takes `tokens` (at most the capacity), which [`wait_for`](Self::wait_for) said are there.
    pub fn take(&mut self, now: u64, tokens: u64) {
        self.refill(now);
        let wanted = u128::from(tokens.min(self.capacity)) * NANOS_PER_SECOND;
        self.level = self.level.saturating_sub(wanted);
    }
}

/// The flow control state of one connection.
#[derive(Clone, Debug)]
pub struct FlowControl {
    /// QoS 1 and 2 publishes that may still be sent before an acknowledgement frees a slot.
    pub send_quota: u16,
    receive_maximum: u16,
    /// IoT Core's buckets, when its limits apply.
    iot_core: Option<(TokenBucket, TokenBucket)>,
}

impl FlowControl {
    /// Flow control with IoT Core's limits or without.
    pub fn new(iot_core: bool, now: u64) -> FlowControl {
        FlowControl {
            send_quota: u16::MAX,
            receive_maximum: u16::MAX,
            iot_core: iot_core.then(|| {
                (
                    TokenBucket::new(
                        IOT_CORE_PUBLISHES_PER_SECOND,
                        IOT_CORE_PUBLISHES_PER_SECOND,
                        now,
                    ),
                    TokenBucket::new(IOT_CORE_BYTES_PER_SECOND, IOT_CORE_BYTES_PER_SECOND, now),
                )
            }),
        }
    }

    /// A new connection with the server's Receive Maximum [MQTT-3.3.4-9].
    pub fn reset(&mut self, receive_maximum: u16, now: u64) {
        self.receive_maximum = receive_maximum;
        self.send_quota = receive_maximum;
        if let Some((publishes, bytes)) = &mut self.iot_core {
            publishes.reset(now);
            bytes.reset(now);
        }
    }

    /// When a packet of `size` bytes may go out: `Some(0)` now, `Some(ns)` after a wait, `None`
    /// until an acknowledgement frees a slot. `publish` and `acknowledged` say whether it is a
    /// publish and whether it needs an acknowledgement.
    pub fn wait(
        &mut self,
        now: u64,
        size: usize,
        publish: bool,
        acknowledged: bool,
    ) -> Option<u64> {
        if publish && acknowledged && self.send_quota == 0 {
            return None;
        }
        let Some((publishes, bytes)) = &mut self.iot_core else {
            return Some(0);
        };
        let mut wait = bytes.wait_for(now, size as u64);
        if publish {
            wait = wait.max(publishes.wait_for(now, 1));
        }
        Some(wait)
    }

    /// A packet of `size` bytes went out.
    pub fn on_sent(&mut self, now: u64, size: usize, publish: bool, acknowledged: bool) {
        if publish && acknowledged {
            self.send_quota = self.send_quota.saturating_sub(1);
        }
        if let Some((publishes, bytes)) = &mut self.iot_core {
            bytes.take(now, size as u64);
            if publish {
                publishes.take(now, 1);
            }
        }
    }

    /// An acknowledgement ended a QoS 1 or 2 exchange, freeing a slot [MQTT-4.9.0-3].
    pub fn on_acknowledged(&mut self) {
        self.send_quota = self.send_quota.saturating_add(1).min(self.receive_maximum);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: u64 = 1_000_000;

    #[test]
    fn a_bucket_starts_empty_and_fills_at_its_rate() {
        let mut b = TokenBucket::new(100, 100, 0);
        assert_eq!(b.wait_for(0, 1), 10 * MS);
        assert_eq!(b.wait_for(10 * MS, 1), 0);
        b.take(10 * MS, 1);
        assert_eq!(b.wait_for(10 * MS, 1), 10 * MS);
        // Capped at the capacity however long it idles.
        assert_eq!(b.wait_for(100_000 * MS, 100), 0);
        b.take(100_000 * MS, 100);
        assert_eq!(b.wait_for(100_000 * MS, 1), 10 * MS);
    }

    #[test]
    fn a_request_above_capacity_waits_for_a_full_bucket_only() {
        let mut b = TokenBucket::new(1000, 1000, 0);
        assert_eq!(b.wait_for(0, 5000), 1000 * MS);
    }

    #[test]
    fn iot_core_allows_one_hundred_publishes_per_second() {
        let mut f = FlowControl::new(true, 0);
        f.reset(10, 0);
        let mut now = 0;
        let mut sent = 0;
        while now < 1_000 * MS {
            match f.wait(now, 10, true, false) {
                Some(0) => {
                    f.on_sent(now, 10, true, false);
                    sent += 1;
                }
                Some(wait) => now += wait,
                None => unreachable!(),
            }
        }
        assert!((99..=101).contains(&sent), "{sent}");
    }

    #[test]
    fn receive_maximum_blocks_acknowledged_publishes_only() {
        // [MQTT-4.9.0-2]: no more QoS > 0 publishes in flight than the Receive Maximum.
        let mut f = FlowControl::new(false, 0);
        f.reset(1, 0);
        assert_eq!(f.wait(0, 10, true, true), Some(0));
        f.on_sent(0, 10, true, true);
        assert_eq!(f.wait(0, 10, true, true), None);
        assert_eq!(f.wait(0, 10, true, false), Some(0));
        assert_eq!(f.wait(0, 10, false, true), Some(0));
        f.on_acknowledged();
        assert_eq!(f.wait(0, 10, true, true), Some(0));
        f.on_acknowledged();
        assert_eq!(f.send_quota, 1, "never above the receive maximum");
    }
}
