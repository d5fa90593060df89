// SPDX-License-Identifier: Apache-2.0
// Command gen checks tests/vectors/envelopes.json against Go's encoding/json, the reference the
// C++ codec must match byte for byte; with -write it prints the file with "encoded" and
// "expect" of every valid vector recomputed by Go.
//
//	cd tests/vectors/gen
//	GOTOOLCHAIN=local GOFLAGS=-mod=mod GOPROXY=off go run . [-write] [../envelopes.json]
//
// Every invalid vector must be rejected by Go (decoding plus the WIRE.md rules in validate),
// with the same error code unless "go_error" says what Go reports instead, or be marked
// "stricter_than_go" with the reason; a marker on a case Go rejects is reported as stale.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strings"
	"time"
)

// Envelope is the struct of the Go SDK, as shared/WIRE.md describes it.
type Envelope struct {
	EventID       string          `json:"event_id"`
	AggregateID   string          `json:"aggregate_id"`
	EventType     string          `json:"event_type"`
	EventVersion  int64           `json:"event_version"`
	Timestamp     time.Time       `json:"timestamp"`
	TraceID       string          `json:"trace_id,omitempty"`
	CorrelationID string          `json:"correlation_id,omitempty"`
	TenantID      int64           `json:"tenant_id,omitempty"`
	Payload       json.RawMessage `json:"payload"`
}

// Expect holds the decoded fields; the timestamp as Unix nanoseconds plus its zone offset.
type Expect struct {
	EventID                string `json:"event_id"`
	AggregateID            string `json:"aggregate_id"`
	EventType              string `json:"event_type"`
	EventVersion           int64  `json:"event_version"`
	TimestampUnixNano      int64  `json:"timestamp_unix_nano"`
	TimestampOffsetMinutes int    `json:"timestamp_offset_minutes"`
	TraceID                string `json:"trace_id"`
	CorrelationID          string `json:"correlation_id"`
	TenantID               int64  `json:"tenant_id"`
	Payload                string `json:"payload"`
}

type Valid struct {
	Name        string  `json:"name"`
	Input       *string `json:"input,omitempty"`
	InputBase64 string  `json:"input_base64,omitempty"`
	Encoded     string  `json:"encoded"`
	Expect      *Expect `json:"expect"`
}

type Invalid struct {
	Name           string  `json:"name"`
	Input          *string `json:"input,omitempty"`
	InputBase64    string  `json:"input_base64,omitempty"`
	Error          string  `json:"error"`
	GoError        string  `json:"go_error,omitempty"`
	StricterThanGo string  `json:"stricter_than_go,omitempty"`
}

type Vectors struct {
	Comment []string  `json:"comment"`
	Valid   []Valid   `json:"valid"`
	Invalid []Invalid `json:"invalid"`
}

type validationError string

func (e validationError) Error() string { return string(e) }

const blanks = " \t\r\n"

// validate applies the WIRE.md rules that decoding does not already enforce.
func validate(e *Envelope) error {
	switch {
	case strings.Trim(e.EventID, blanks) == "":
		return validationError("invalid_event_id")
	case !validAggregateID(strings.Trim(e.AggregateID, blanks)):
		return validationError("invalid_aggregate_id")
	case strings.Trim(e.EventType, blanks) == "":
		return validationError("invalid_event_type")
	case e.EventVersion <= 0:
		return validationError("invalid_event_version")
	case len(e.Payload) == 0 || !json.Valid(e.Payload):
		return validationError("invalid_payload")
	}
	return nil
}

func validAggregateID(id string) bool {
	if len(id) == 0 || len(id) > 256 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		alnum := (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		if !alnum && strings.IndexByte(":_-./", c) < 0 {
			return false
		}
	}
	return true
}

// errorCode names a Go failure with the C++ errc it corresponds to.
func errorCode(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var rule validationError
	switch {
	case errors.As(err, &syntax):
		return "malformed_json"
	case errors.As(err, &typ) && typ.Field == "":
		return "malformed_json" // the document is not an object
	case errors.As(err, &typ):
		return "invalid_" + typ.Field
	case errors.As(err, &rule):
		return string(rule)
	default:
		return "invalid_timestamp" // time.Time is the only field with its own UnmarshalJSON
	}
}

// input is the vector's "input", or its "input_base64" for bytes that are not UTF-8.
func input(text *string, b64 string) []byte {
	if text != nil {
		return []byte(*text)
	}
	if b64 == "" {
		panic("a vector needs \"input\" or \"input_base64\"")
	}
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		panic(err)
	}
	return data
}

func decode(data []byte) (*Envelope, error) {
	var e Envelope
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, err
	}
	return &e, validate(&e)
}

func expectOf(e *Envelope) *Expect {
	_, offset := e.Timestamp.Zone()
	return &Expect{e.EventID, e.AggregateID, e.EventType, e.EventVersion, e.Timestamp.UnixNano(),
		offset / 60, e.TraceID, e.CorrelationID, e.TenantID, string(e.Payload)}
}

// checkValid decodes and re-encodes one valid vector, updating it when write is set.
func checkValid(v *Valid, write bool) error {
	e, err := decode(input(v.Input, v.InputBase64))
	if err != nil {
		return fmt.Errorf("Go rejects it: %v", err)
	}
	encoded, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("Go cannot marshal it: %v", err)
	}
	again, err := decode(encoded)
	if err != nil {
		return fmt.Errorf("Go rejects its own encoding: %v", err)
	}
	if reencoded, _ := json.Marshal(again); !bytes.Equal(reencoded, encoded) {
		return fmt.Errorf("re-encoding is not stable: %s", reencoded)
	}
	if write {
		v.Encoded, v.Expect = string(encoded), expectOf(e)
		return nil
	}
	if v.Encoded != string(encoded) {
		return fmt.Errorf("encoded\n  want %s\n  Go   %s", v.Encoded, encoded)
	}
	if !reflect.DeepEqual(v.Expect, expectOf(e)) {
		return fmt.Errorf("expect %+v, Go decodes %+v", v.Expect, *expectOf(e))
	}
	return nil
}

func checkInvalid(v *Invalid) error {
	_, err := decode(input(v.Input, v.InputBase64))
	switch {
	case err == nil && v.StricterThanGo == "":
		return errors.New(`Go accepts it: fix the vector or mark it "stricter_than_go"`)
	case err == nil:
		return nil
	case v.StricterThanGo != "":
		return fmt.Errorf("stale stricter_than_go: Go rejects it too (%v)", err)
	}
	want := v.Error
	if v.GoError != "" {
		want = v.GoError
	}
	if got := errorCode(err); got != want {
		return fmt.Errorf("Go reports %s (%v), want %s", got, err, want)
	}
	return nil
}

func main() {
	write := flag.Bool("write", false, "print the file with encoded/expect recomputed by Go")
	flag.Parse()
	path := "../envelopes.json"
	if flag.NArg() > 0 {
		path = flag.Arg(0)
	}
	time.Local = time.UTC // zone lookups must not depend on the machine
	raw, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var vectors Vectors
	if err := json.Unmarshal(raw, &vectors); err != nil {
		fmt.Fprintln(os.Stderr, path, err)
		os.Exit(2)
	}
	failures := 0
	report := func(kind, name string, err error) {
		if err != nil {
			failures++
			fmt.Fprintf(os.Stderr, "%s %q: %v\n", kind, name, err)
		}
	}
	for i := range vectors.Valid {
		report("valid", vectors.Valid[i].Name, checkValid(&vectors.Valid[i], *write))
	}
	for i := range vectors.Invalid {
		report("invalid", vectors.Invalid[i].Name, checkInvalid(&vectors.Invalid[i]))
	}
	if *write {
		out := json.NewEncoder(os.Stdout)
		out.SetEscapeHTML(false) // keep <, > and & readable in the file
		out.SetIndent("", "  ")
		if err := out.Encode(vectors); err != nil {
			panic(err)
		}
	}
	if failures > 0 {
		fmt.Fprintf(os.Stderr, "%d vector(s) failed\n", failures)
		os.Exit(1)
	}
	if !*write {
		fmt.Printf("ok: %d valid, %d invalid vectors agree with %s\n",
			len(vectors.Valid), len(vectors.Invalid), runtime.Version())
	}
}
