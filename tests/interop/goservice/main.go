// SPDX-License-Identifier: Apache-2.0
// Command goservice plays "the Go service" in the eventbus interop tests: it produces and
// consumes messages exactly as the jxt-core Go SDK (sdk/pkg/eventbus) does, with the same
// client libraries at the same versions (IBM/sarama, nats.go), so the C++ library can be
// checked against real Go peers on real brokers.
//
// Usage: goservice <subcommand> [--flag value ...]   (run without arguments for the list)
//
// Every subcommand writes one JSON object per line to stdout and diagnostics to stderr.
// Exit status: 0 success, 1 failure, 2 bad usage, 3 timed out (--timeout-ms; whatever was
// done before the deadline has been printed). Each subcommand stops by itself: its work is
// bounded by --timeout-ms, and a watchdog ends the process watchdogGrace later in case a
// client library hangs while closing.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

const (
	exitFailure = 1
	exitUsage   = 2
	exitTimeout = 3

	defaultTimeoutMs = 30000
	// How long after --timeout-ms the watchdog kills the process. Commands stop their own
	// work at the deadline; this only covers a close or leave-group that never returns.
	watchdogGrace = 5 * time.Second
)

type subcommand struct {
	name    string
	summary string
	run     func(args []string) error
}

var subcommands = []subcommand{
	{"partitions", "--partitions N --keys-file F: sarama hash partition of each key (no broker)", cmdPartitions},
	{"kafka-create-topic", "--brokers B --topic T --partitions N", cmdKafkaCreateTopic},
	{"kafka-describe-topic", "--brokers B --topic T", cmdKafkaDescribeTopic},
	{"kafka-produce", "--brokers B --topic T --run R --count N --aggregates K", cmdKafkaProduce},
	{"kafka-consume", "--brokers B --topic T --group G --count N", cmdKafkaConsume},
	{"nats-create-stream", "--url U --stream S --subjects a.>,b [--storage file|memory]", cmdNatsCreateStream},
	{"nats-stream-info", "--url U --stream S", cmdNatsStreamInfo},
	{"nats-publish", "--url U --subject X --run R --count N --aggregates K", cmdNatsPublish},
	{"nats-consume", "--url U --subject X --durable D --count N", cmdNatsConsume},
	{"nats-keys", "--dir D: NKey seed files and an operator/account/user chain (no server)", cmdNatsKeys},
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		printUsage(os.Stderr)
		os.Exit(exitUsage)
	}
	name := os.Args[1]
	for _, sc := range subcommands {
		if sc.name == name {
			os.Exit(exitCode(name, sc.run(os.Args[2:])))
		}
	}
	fmt.Fprintf(os.Stderr, "goservice: unknown subcommand %q\n", name)
	printUsage(os.Stderr)
	os.Exit(exitUsage)
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: goservice <subcommand> [flags]   (every subcommand also takes --timeout-ms, default 30000)")
	for _, sc := range subcommands {
		fmt.Fprintf(w, "  %-21s %s\n", sc.name, sc.summary)
	}
}

// exitError carries the process exit status with the error that caused it.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, args...)}
}

func timeoutErrorf(format string, args ...any) error {
	return &exitError{exitTimeout, fmt.Errorf(format, args...)}
}

func exitCode(name string, err error) int {
	if err == nil {
		return 0
	}
	code := exitFailure
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	fmt.Fprintf(os.Stderr, "goservice %s: %v\n", name, err)
	return code
}

// --- flags ------------------------------------------------------------------------------

// flagSet wraps flag.FlagSet with the --timeout-ms every subcommand takes and a check for
// flags that must be given.
type flagSet struct {
	*flag.FlagSet
	timeoutMs *int
	required  []string
}

func newFlagSet(name string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	return &flagSet{
		FlagSet:   fs,
		timeoutMs: fs.Int("timeout-ms", defaultTimeoutMs, "bound on the command's run time in milliseconds"),
	}
}

func (fs *flagSet) requiredString(name, usage string) *string {
	fs.required = append(fs.required, name)
	return fs.String(name, "", usage+" (required)")
}

func (fs *flagSet) requiredInt(name, usage string) *int {
	fs.required = append(fs.required, name)
	return fs.Int(name, 0, usage+" (required)")
}

// parse parses args and checks that every required flag was given and no positional
// arguments were (a stray word usually means a forgotten "--flag").
func (fs *flagSet) parse(args []string) error {
	if err := fs.Parse(args); err != nil {
		return usageErrorf("%v", err)
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, name := range fs.required {
		if !set[name] {
			return usageErrorf("missing --%s", name)
		}
	}
	if *fs.timeoutMs <= 0 {
		return usageErrorf("--timeout-ms must be positive")
	}
	return nil
}

func (fs *flagSet) timeout() time.Duration { return time.Duration(*fs.timeoutMs) * time.Millisecond }

// deadline returns a context that ends after --timeout-ms and arms the watchdog.
func (fs *flagSet) deadline() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.Background(), fs.timeout())
	time.AfterFunc(fs.timeout()+watchdogGrace, func() {
		stdoutMu.Lock() // no half-written line, and nothing written after this message
		fmt.Fprintf(os.Stderr, "goservice %s: still running %v after --timeout-ms, giving up\n",
			fs.Name(), watchdogGrace)
		os.Exit(exitTimeout)
	})
	return ctx, cancel
}

func positive(name string, v int) error {
	if v <= 0 {
		return usageErrorf("--%s must be positive, got %d", name, v)
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// --- output -----------------------------------------------------------------------------

var stdoutMu sync.Mutex

// emit writes v as one JSON line to stdout. Lines are written whole under a mutex, so
// goroutines (one per Kafka partition, for instance) never interleave within a line, and
// unbuffered, so a parent reading the pipe sees each line as soon as it is true.
//
// HTML escaping is off: "<", ">" and "&" inside strings stay as they are instead of becoming
// \u003c and friends. Either is valid JSON; this is simply easier to read.
func emit(v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil { // Encode appends the newline
		fmt.Fprintf(os.Stderr, "goservice: cannot encode output line: %v\n", err)
		os.Exit(exitFailure)
	}
	stdoutMu.Lock()
	defer stdoutMu.Unlock()
	if _, err := os.Stdout.Write(buf.Bytes()); err != nil {
		fmt.Fprintf(os.Stderr, "goservice: cannot write stdout: %v\n", err)
		os.Exit(exitFailure)
	}
}
