package org.civicpress.realtime.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RealtimeMetricsTest {

    @Test
    void scrapeExposesEveryMetricInTextFormat() {
        RealtimeMetrics m = new RealtimeMetrics();
        m.roomStarted();
        m.roomStarted();
        m.roomStopped();
        m.connectionOpened();
        m.updatesApplied(3, 120);
        m.journalWrite(Duration.ofMillis(3), 3);
        m.snapshotSaved(2048);
        m.messageRejected("invalid_update");
        m.messageRejected("invalid_update");
        m.webhookObserver().delivered("u", "e");
        m.webhookObserver().pendingChanged(4);

        String text = m.scrape();
        for (String line : new String[] {
            "realtime_rooms_active 1.0",
            "realtime_rooms_started_total 2.0",
            "realtime_connections_active 1.0",
            "realtime_connections_opened_total 1.0",
            "realtime_updates_applied_total 3.0",
            "realtime_update_bytes_total 120.0",
            "realtime_journal_write_seconds_bucket{le=\"0.005\"} 1",
            "realtime_journal_write_seconds_count 1",
            "realtime_journal_batch_updates_bucket{le=\"5.0\"} 1",
            "realtime_snapshots_saved_total 1.0",
            "realtime_snapshot_bytes_total 2048.0",
            "realtime_messages_rejected_total{reason=\"invalid_update\"} 2.0",
            "realtime_webhook_deliveries_total{result=\"success\"} 1.0",
            "realtime_webhook_deliveries_total{result=\"failure\"} 0.0",
            "realtime_webhook_outbox_pending 4.0",
            "# HELP realtime_journal_write_seconds"
        }) {
            assertTrue(text.contains(line), "missing '" + line + "' in:\n" + text);
        }
        assertTrue(RealtimeMetrics.CONTENT_TYPE.startsWith("text/plain"));
    }

    @Test
    void instancesAreIndependent() {
        RealtimeMetrics a = new RealtimeMetrics();
        RealtimeMetrics b = new RealtimeMetrics();
        a.roomStarted();
        assertTrue(b.scrape().contains("realtime_rooms_active 0.0"), b.scrape());
    }
}
