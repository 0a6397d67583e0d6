"""What the bot counts for operators, served as Prometheus text at the web server's /metrics.

The metrics live in one registry of their own (not the library's global one), so a test or a
second bot in the same process starts from its own numbers.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

POSTS_SENT = Counter("studybot_posts_sent", "Questions of the day posted", registry=REGISTRY)
ANSWERS_RECORDED = Counter(
    "studybot_answers_recorded",
    "Answers recorded (each member's first answer to a question)",
    ["board"],
    registry=REGISTRY,
)
CLICK_ACK_SECONDS = Histogram(
    "studybot_interaction_ack_seconds",
    "From a member's click or command to the bot's first response",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0),
    registry=REGISTRY,
)
DB_WRITE_SECONDS = Histogram(
    "studybot_database_write_seconds",
    "One committed batch of database writes",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
    registry=REGISTRY,
)
GATEWAY_LATENCY_SECONDS = Gauge(
    "studybot_gateway_latency_seconds",
    "Discord gateway heartbeat latency (NaN before the first heartbeat)",
    registry=REGISTRY,
)
