// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"fmt"
	"time"
)

// Envelope is the jxt-core Go SDK's envelope (sdk/pkg/eventbus), field for field and tag for
// tag. It is encoded and decoded with encoding/json only, exactly as the SDK does, so that
// whatever the SDK would accept or reject, this program accepts or rejects too.
type Envelope struct {
	EventID       string          `json:"event_id"`
	AggregateID   string          `json:"aggregate_id"`
	EventType     string          `json:"event_type"`
	EventVersion  int64           `json:"event_version"`
	Timestamp     time.Time       `json:"timestamp"`
	TraceID       string          `json:"trace_id,omitempty"`
	CorrelationID string          `json:"correlation_id,omitempty"`
	TenantID      int             `json:"tenant_id,omitempty"`
	Payload       json.RawMessage `json:"payload"`
}

// testEnvelope builds message i (0-based) of run R with K aggregates. Every field is a pure
// function of (run, i, aggregates), so the C++ side can recompute the expected message.
//
// The timestamp deliberately has nanosecond precision and a +08:00 zone: RFC3339Nano output
// drops trailing zeros of the fraction (…123456800 becomes ".1234568"), and the zone must
// survive the round trip. The payload contains a \u escape, a float, a bool and a null, and is
// kept as raw JSON so the bytes reach the wire exactly as written here.
func testEnvelope(run string, i, aggregates int) Envelope {
	return Envelope{
		EventID:       fmt.Sprintf("go-%s-%d", run, i),
		AggregateID:   fmt.Sprintf("go-agg-%d", i%aggregates),
		EventType:     "GoOrderPlaced",
		EventVersion:  int64(i/aggregates + 1),
		Timestamp:     time.Date(2026, 11, 24, 21, 5, 33, 123456789+i, time.FixedZone("", 8*3600)),
		TraceID:       fmt.Sprintf("trace-%d", i),
		CorrelationID: fmt.Sprintf("corr-%d", i),
		TenantID:      i%7 + 1,
		Payload:       json.RawMessage(fmt.Sprintf(`{"seq":%d,"note":"h\u00e9llo","nested":{"a":[1,2.5,true,null]}}`, i)),
	}
}

// decodedOK describes a value that json.Unmarshal accepted as an Envelope, flattened into
// plain JSON types that a C++ test can compare without a time parser. Every key is always
// present, so a consumer never has to guess which ones exist.
type decodedOK struct {
	OK           bool   `json:"ok"` // always true
	EventID      string `json:"event_id"`
	AggregateID  string `json:"aggregate_id"`
	EventType    string `json:"event_type"`
	EventVersion int64  `json:"event_version"`
	// The timestamp as Go formats it (RFC3339Nano), for humans reading a failing test.
	Timestamp string `json:"timestamp"`
	// Null when the instant is outside int64 nanoseconds (e.g. the zero time left by a missing
	// "timestamp" field), where time.UnixNano is undefined.
	TimestampUnixNano      *int64 `json:"timestamp_unix_nano"`
	TimestampOffsetSeconds int    `json:"timestamp_offset_seconds"`
	TraceID                string `json:"trace_id"`
	CorrelationID          string `json:"correlation_id"`
	TenantID               int    `json:"tenant_id"`
	// The raw payload bytes as a string; null only when the field was absent. A JSON null
	// payload arrives as the four bytes "null" (RawMessage.UnmarshalJSON gets the literal).
	Payload *string `json:"payload"`
}

// decodedError describes a value that json.Unmarshal rejected.
type decodedError struct {
	OK    bool   `json:"ok"` // always false
	Error string `json:"error"`
}

// Bounds of time.UnixNano's defined range (years 1678..2262).
var (
	minUnixNanoTime = time.Unix(0, -1<<63)
	maxUnixNanoTime = time.Unix(0, 1<<63-1)
)

// decodeEnvelope unmarshals value the way the SDK's consumer does and describes the result
// as a decodedOK or a decodedError.
func decodeEnvelope(value []byte) any {
	var env Envelope
	if err := json.Unmarshal(value, &env); err != nil {
		return decodedError{OK: false, Error: err.Error()}
	}
	_, offset := env.Timestamp.Zone()
	d := decodedOK{
		OK:                     true,
		EventID:                env.EventID,
		AggregateID:            env.AggregateID,
		EventType:              env.EventType,
		EventVersion:           env.EventVersion,
		Timestamp:              env.Timestamp.Format(time.RFC3339Nano),
		TimestampOffsetSeconds: offset,
		TraceID:                env.TraceID,
		CorrelationID:          env.CorrelationID,
		TenantID:               env.TenantID,
	}
	if !env.Timestamp.Before(minUnixNanoTime) && !env.Timestamp.After(maxUnixNanoTime) {
		ns := env.Timestamp.UnixNano()
		d.TimestampUnixNano = &ns
	}
	if env.Payload != nil {
		p := string(env.Payload)
		d.Payload = &p
	}
	return d
}
