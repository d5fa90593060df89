// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/nats-io/nats.go"
)

// The legacy JetStream API (nc.JetStream(), js.AddStream, js.PublishAsync, js.PullSubscribe)
// is used throughout because that is what the Go SDK uses, not the newer jetstream package.

func natsConnect(url string, timeout time.Duration) (*nats.Conn, error) {
	nc, err := nats.Connect(url,
		nats.Name("goservice"),
		nats.Timeout(min(timeout, 10*time.Second)),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			fmt.Fprintf(os.Stderr, "goservice: nats async error: %v\n", err)
		}))
	if err != nil {
		return nil, fmt.Errorf("connect %s: %w", url, err)
	}
	return nc, nil
}

// --- streams ----------------------------------------------------------------------------

type streamLine struct {
	Stream   string   `json:"stream"`
	Subjects []string `json:"subjects"`
	Messages *uint64  `json:"messages,omitempty"` // only from nats-stream-info
}

func cmdNatsCreateStream(args []string) error {
	fs := newFlagSet("nats-create-stream")
	url := fs.requiredString("url", "NATS server URL")
	stream := fs.requiredString("stream", "stream name")
	subjects := fs.requiredString("subjects", "comma-separated subjects, wildcards allowed")
	storage := fs.String("storage", "file", "file or memory")
	if err := fs.parse(args); err != nil {
		return err
	}
	cfg := &nats.StreamConfig{Name: *stream, Subjects: splitList(*subjects)}
	switch *storage {
	case "file":
		cfg.Storage = nats.FileStorage
	case "memory":
		cfg.Storage = nats.MemoryStorage
	default:
		return usageErrorf("--storage must be file or memory, got %q", *storage)
	}
	if len(cfg.Subjects) == 0 {
		return usageErrorf("--subjects is empty")
	}
	_, cancel := fs.deadline()
	defer cancel()

	nc, err := natsConnect(*url, fs.timeout())
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := nc.JetStream(nats.MaxWait(fs.timeout()))
	if err != nil {
		return err
	}
	// As with the server's stream create API: adding a stream that exists with the same
	// config succeeds, with a different config fails ("stream name already in use").
	info, err := js.AddStream(cfg)
	if err != nil {
		return fmt.Errorf("add stream %q: %w", *stream, err)
	}
	emit(streamLine{Stream: info.Config.Name, Subjects: info.Config.Subjects})
	return nil
}

func cmdNatsStreamInfo(args []string) error {
	fs := newFlagSet("nats-stream-info")
	url := fs.requiredString("url", "NATS server URL")
	stream := fs.requiredString("stream", "stream name")
	if err := fs.parse(args); err != nil {
		return err
	}
	_, cancel := fs.deadline()
	defer cancel()

	nc, err := natsConnect(*url, fs.timeout())
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := nc.JetStream(nats.MaxWait(fs.timeout()))
	if err != nil {
		return err
	}
	info, err := js.StreamInfo(*stream) // nats.ErrStreamNotFound when missing
	if err != nil {
		return fmt.Errorf("stream %q: %w", *stream, err)
	}
	msgs := info.State.Msgs
	emit(streamLine{Stream: info.Config.Name, Subjects: info.Config.Subjects, Messages: &msgs})
	return nil
}

// --- publish ----------------------------------------------------------------------------

type publishedLine struct {
	EventID     string `json:"event_id"`
	AggregateID string `json:"aggregate_id"`
	Stream      string `json:"stream"`
	Sequence    uint64 `json:"sequence"`
	Value       string `json:"value"`
}

// pending is one async publish awaiting its ack.
type pending struct {
	env   Envelope
	value []byte
	ack   nats.PubAckFuture
}

func cmdNatsPublish(args []string) error {
	fs := newFlagSet("nats-publish")
	url := fs.requiredString("url", "NATS server URL")
	subject := fs.requiredString("subject", "subject to publish to (must belong to a stream)")
	run := fs.requiredString("run", "run id, part of every event_id")
	count := fs.requiredInt("count", "number of messages")
	aggregates := fs.requiredInt("aggregates", "number of distinct aggregate ids")
	if err := fs.parse(args); err != nil {
		return err
	}
	if err := positive("count", *count); err != nil {
		return err
	}
	if err := positive("aggregates", *aggregates); err != nil {
		return err
	}
	ctx, cancel := fs.deadline()
	defer cancel()

	nc, err := natsConnect(*url, fs.timeout())
	if err != nil {
		return err
	}
	defer nc.Close()
	// At most 256 publishes await their ack; past that PublishAsync blocks.
	js, err := nc.JetStream(nats.PublishAsyncMaxPending(256))
	if err != nil {
		return err
	}

	// A second goroutine reports the acks in publish order while this one publishes, so
	// output streams out as the broker confirms. Its channel holds more than the pending
	// window, so the printer never holds up publishing.
	futures := make(chan pending, 512)
	printed := make(chan struct {
		acked int
		err   error
	}, 1)
	go func() {
		acked := 0
		var firstErr error
		for p := range futures {
			select {
			case ack := <-p.ack.Ok():
				emit(publishedLine{
					EventID:     p.env.EventID,
					AggregateID: p.env.AggregateID,
					Stream:      ack.Stream,
					Sequence:    ack.Sequence,
					Value:       string(p.value),
				})
				acked++
			case err := <-p.ack.Err():
				fmt.Fprintf(os.Stderr, "goservice nats-publish: %s not stored: %v\n", p.env.EventID, err)
				if firstErr == nil {
					firstErr = fmt.Errorf("%s: %w", p.env.EventID, err)
				}
			case <-ctx.Done():
				// Stop here: later acks may exist, but lines must stay in publish order.
				printed <- struct {
					acked int
					err   error
				}{acked, firstErr}
				return
			}
		}
		printed <- struct {
			acked int
			err   error
		}{acked, firstErr}
	}()

	// Publish from this one goroutine in index order: one connection delivers them to the
	// server in that order, so the stream stores each aggregate's versions in order.
	// Body = envelope JSON, no headers (no PubOpt that would add any, e.g. MsgId).
	n := *count
	var publishErr error
	for i := 0; i < n && publishErr == nil; i++ {
		env := testEnvelope(*run, i, *aggregates)
		value, err := json.Marshal(env)
		if err != nil {
			publishErr = err
			break
		}
		// nats.go gives up on a full pending window after 200 ms (ErrTooManyStalledMsgs);
		// a slow broker should instead be bounded by --timeout-ms. StallWait only sets that
		// wait; it adds no header.
		wait := time.Until(deadlineOf(ctx))
		if wait <= 0 {
			break
		}
		f, err := js.PublishAsync(*subject, value, nats.StallWait(wait))
		if err != nil {
			publishErr = fmt.Errorf("publish %s: %w", env.EventID, err)
			break
		}
		futures <- pending{env: env, value: value, ack: f}
	}
	close(futures)

	select {
	case <-js.PublishAsyncComplete():
	case <-ctx.Done():
	}
	res := <-printed
	switch {
	case publishErr != nil && ctx.Err() == nil:
		return publishErr
	case res.err != nil:
		return fmt.Errorf("%d of %d messages not stored, first: %w", n-res.acked, n, res.err)
	case res.acked < n:
		return timeoutErrorf("%d of %d messages acked before the timeout", res.acked, n)
	}
	return nil
}

func deadlineOf(ctx context.Context) time.Time {
	d, _ := ctx.Deadline()
	return d
}

// --- consume ----------------------------------------------------------------------------

type consumedNatsLine struct {
	Subject        string            `json:"subject"`
	StreamSequence uint64            `json:"stream_sequence"`
	Value          string            `json:"value"`
	Headers        map[string]string `json:"headers"`
	Decoded        any               `json:"decoded"`
}

// How long one Fetch waits for messages at most; the loop fetches again until the count or
// the deadline is reached.
const maxFetchWait = 2 * time.Second

func cmdNatsConsume(args []string) error {
	fs := newFlagSet("nats-consume")
	url := fs.requiredString("url", "NATS server URL")
	subject := fs.requiredString("subject", "subject to consume (the stream is found by it)")
	durable := fs.requiredString("durable", "durable consumer name")
	count := fs.requiredInt("count", "number of messages to receive")
	if err := fs.parse(args); err != nil {
		return err
	}
	if err := positive("count", *count); err != nil {
		return err
	}
	ctx, cancel := fs.deadline()
	defer cancel()

	nc, err := natsConnect(*url, fs.timeout())
	if err != nil {
		return err
	}
	// Why Close and not sub.Unsubscribe() or sub.Drain(): in nats.go v1.45.0, when
	// PullSubscribe had to create the durable (it did not exist yet), the subscription is
	// flagged as owning it (jsSub.dc, js.go), and then both Subscription.Unsubscribe and
	// Subscription.Drain (via Conn.checkDrained), and also Conn.Drain, which drains every
	// subscription, send a consumer DELETE to the server (nats.go). Only when the durable
	// already existed (so PullSubscribe just bound to it) do they leave it alone.
	// Conn.Close removes subscriptions locally and deletes nothing, so the durable and its
	// acked position survive this program's exit in both cases, ready for the next run.
	defer nc.Close()

	js, err := nc.JetStream(nats.MaxWait(min(fs.timeout(), 10*time.Second)))
	if err != nil {
		return err
	}
	// As the SDK: the stream is looked up by subject; the durable is created (deliver all,
	// ack explicit, filter = subject) or, if it exists, bound.
	sub, err := js.PullSubscribe(*subject, *durable)
	if err != nil {
		return fmt.Errorf("pull subscribe %q durable %q: %w", *subject, *durable, err)
	}

	want, got := *count, 0
	for got < want {
		wait := min(time.Until(deadlineOf(ctx)), maxFetchWait)
		if wait < 10*time.Millisecond {
			break
		}
		// Never ask for more than still wanted: a fetched message is delivered to us and
		// would have to be acked or left to redeliver after AckWait.
		msgs, err := sub.Fetch(min(want-got, 256), nats.MaxWait(wait))
		if err != nil && !errors.Is(err, nats.ErrTimeout) && !errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("fetch: %w (after %d of %d messages)", err, got, want)
		}
		for j, m := range msgs {
			line, err := natsLine(m)
			if err != nil {
				return err
			}
			emit(line)
			got++
			// Ack each (a fire-and-forget publish, as the SDK does), except that the last of
			// each batch is acked synchronously: the server handles a consumer's acks in
			// order, so its reply means the whole batch is acked on the server. Then a run
			// that exits right after this loop leaves no ack in flight, and the next
			// consumer of the durable starts exactly behind what was printed here.
			if j == len(msgs)-1 {
				err = m.AckSync(nats.AckWait(min(fs.timeout(), 10*time.Second)))
			} else {
				err = m.Ack()
			}
			if err != nil {
				return fmt.Errorf("ack stream sequence %d: %w", line.StreamSequence, err)
			}
		}
	}
	if got < want {
		return timeoutErrorf("received %d of %d messages before the timeout", got, want)
	}
	return nil
}

func natsLine(m *nats.Msg) (consumedNatsLine, error) {
	meta, err := m.Metadata()
	if err != nil {
		return consumedNatsLine{}, fmt.Errorf("message on %q without JetStream metadata: %w", m.Subject, err)
	}
	line := consumedNatsLine{
		Subject:        m.Subject,
		StreamSequence: meta.Sequence.Stream,
		Value:          string(m.Data),
		Headers:        map[string]string{},
		Decoded:        decodeEnvelope(m.Data),
	}
	// A header with several values reports its first (what Header.Get returns).
	for name, values := range m.Header {
		if len(values) > 0 {
			line.Headers[name] = values[0]
		}
	}
	return line, nil
}
