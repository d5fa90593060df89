// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/IBM/sarama"
)

// newSaramaConfig returns the settings shared by every Kafka subcommand.
func newSaramaConfig(timeout time.Duration) *sarama.Config {
	if os.Getenv("GOSERVICE_DEBUG") != "" {
		sarama.Logger = log.New(os.Stderr, "[sarama] ", log.LstdFlags|log.Lmicroseconds)
	}
	cfg := sarama.NewConfig()
	cfg.ClientID = "goservice"
	// The SDK does not set a version, so it runs with sarama's default, V2_1_0_0. Spelled out
	// here because it decides the wire format: Produce v7 with v2 record batches (which carry
	// the headers), Fetch v10, Metadata v7. Kafka 3.9 accepts all of them.
	cfg.Version = sarama.V2_1_0_0
	// A dead broker should fail the command within its --timeout-ms, not after sarama's 30 s.
	cfg.Net.DialTimeout = min(timeout, 10*time.Second)
	return cfg
}

// --- partitions -------------------------------------------------------------------------

type partitionLine struct {
	Key       string `json:"key"`
	Partition int32  `json:"partition"`
}

func cmdPartitions(args []string) error {
	fs := newFlagSet("partitions")
	partitions := fs.requiredInt("partitions", "number of partitions")
	keysFile := fs.requiredString("keys-file", "file with one key per line")
	topic := fs.String("topic", "goservice", "topic name given to the partitioner (the hash partitioner ignores it)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if err := positive("partitions", *partitions); err != nil {
		return err
	}
	_, cancel := fs.deadline() // no broker, but a keys file could be a FIFO that never ends
	defer cancel()
	f, err := os.Open(*keysFile)
	if err != nil {
		return err
	}
	defer f.Close()

	// The same partitioner the SDK configures (Producer.Partitioner = sarama.NewHashPartitioner):
	// FNV-1a 32 of the key bytes, as int32, modulo N, negated if negative.
	partitioner := sarama.NewHashPartitioner(*topic)
	// bufio.Reader rather than Scanner: no line length limit, and only the "\n" is removed, so a
	// key ending in "\r" or spaces is hashed with them.
	r := bufio.NewReader(f)
	for {
		line, err := r.ReadString('\n')
		if len(line) > 0 && line[len(line)-1] == '\n' {
			line = line[:len(line)-1]
		} else if err == io.EOF && line == "" {
			return nil // the file ended with a newline (or is empty): no further key
		}
		p, perr := partitioner.Partition(&sarama.ProducerMessage{Topic: *topic, Key: sarama.StringEncoder(line)}, int32(*partitions))
		if perr != nil {
			return perr
		}
		emit(partitionLine{Key: line, Partition: p})
		if err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// --- topics -----------------------------------------------------------------------------

type topicLine struct {
	Topic      string `json:"topic"`
	Partitions int    `json:"partitions"`
}

func cmdKafkaCreateTopic(args []string) error {
	fs := newFlagSet("kafka-create-topic")
	brokers := fs.requiredString("brokers", "comma-separated host:port list")
	topic := fs.requiredString("topic", "topic to create")
	partitions := fs.requiredInt("partitions", "number of partitions")
	if err := fs.parse(args); err != nil {
		return err
	}
	if err := positive("partitions", *partitions); err != nil {
		return err
	}
	ctx, cancel := fs.deadline()
	defer cancel()

	admin, err := sarama.NewClusterAdmin(splitList(*brokers), newSaramaConfig(fs.timeout()))
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer admin.Close()
	// An existing topic is an error (sarama returns ErrTopicAlreadyExists): a test that expects
	// a fresh topic must not silently get one with other partitions or old messages.
	detail := &sarama.TopicDetail{NumPartitions: int32(*partitions), ReplicationFactor: 1}
	if err := admin.CreateTopic(*topic, detail, false); err != nil {
		return fmt.Errorf("create topic %q: %w", *topic, err)
	}
	// CreateTopics returns once the controller accepted the topic; the partitions' leaders
	// may not be known to every broker yet. Wait until metadata shows them all, so a
	// producer started right after this command never sees UNKNOWN_TOPIC_OR_PARTITION.
	for {
		md, err := describeTopic(admin, *topic)
		if err == nil && len(md.Partitions) == *partitions && allLeadersKnown(md) {
			break
		}
		select {
		case <-ctx.Done():
			return timeoutErrorf("topic %q created, but its %d partitions did not all get a leader in time (last error: %v)", *topic, *partitions, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	emit(topicLine{Topic: *topic, Partitions: *partitions})
	return nil
}

func cmdKafkaDescribeTopic(args []string) error {
	fs := newFlagSet("kafka-describe-topic")
	brokers := fs.requiredString("brokers", "comma-separated host:port list")
	topic := fs.requiredString("topic", "topic to describe")
	if err := fs.parse(args); err != nil {
		return err
	}
	_, cancel := fs.deadline()
	defer cancel()

	admin, err := sarama.NewClusterAdmin(splitList(*brokers), newSaramaConfig(fs.timeout()))
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer admin.Close()
	md, err := describeTopic(admin, *topic)
	if err != nil {
		return err
	}
	emit(topicLine{Topic: *topic, Partitions: len(md.Partitions)})
	return nil
}

// describeTopic reads one topic's metadata. It never creates the topic: sarama's
// ClusterAdmin.DescribeTopics sends a Metadata request with AllowAutoTopicCreation false,
// even on a broker with auto.create.topics.enable=true (the project's test broker has it).
func describeTopic(admin sarama.ClusterAdmin, topic string) (*sarama.TopicMetadata, error) {
	mds, err := admin.DescribeTopics([]string{topic})
	if err != nil {
		return nil, fmt.Errorf("describe topic %q: %w", topic, err)
	}
	for _, md := range mds {
		if md.Name == topic {
			if !errors.Is(md.Err, sarama.ErrNoError) {
				return nil, fmt.Errorf("topic %q: %w", topic, md.Err)
			}
			return md, nil
		}
	}
	return nil, fmt.Errorf("topic %q: not in the metadata response", topic)
}

func allLeadersKnown(md *sarama.TopicMetadata) bool {
	for _, p := range md.Partitions {
		if !errors.Is(p.Err, sarama.ErrNoError) || p.Leader < 0 {
			return false
		}
	}
	return true
}

// --- produce ----------------------------------------------------------------------------

type producedLine struct {
	EventID     string `json:"event_id"`
	AggregateID string `json:"aggregate_id"`
	Partition   int32  `json:"partition"`
	Offset      int64  `json:"offset"`
	Value       string `json:"value"`
}

// kafkaHeaders are the record headers the SDK writes: the four identity headers always,
// the optional ones only when set, numbers in decimal.
func kafkaHeaders(env *Envelope) []sarama.RecordHeader {
	h := []sarama.RecordHeader{
		{Key: []byte("X-Event-ID"), Value: []byte(env.EventID)},
		{Key: []byte("X-Aggregate-ID"), Value: []byte(env.AggregateID)},
		{Key: []byte("X-Event-Version"), Value: []byte(strconv.FormatInt(env.EventVersion, 10))},
		{Key: []byte("X-Event-Type"), Value: []byte(env.EventType)},
	}
	if env.TraceID != "" {
		h = append(h, sarama.RecordHeader{Key: []byte("X-Trace-ID"), Value: []byte(env.TraceID)})
	}
	if env.CorrelationID != "" {
		h = append(h, sarama.RecordHeader{Key: []byte("X-Correlation-ID"), Value: []byte(env.CorrelationID)})
	}
	if env.TenantID != 0 {
		h = append(h, sarama.RecordHeader{Key: []byte("X-Tenant-ID"), Value: []byte(strconv.Itoa(env.TenantID))})
	}
	return h
}

func cmdKafkaProduce(args []string) error {
	fs := newFlagSet("kafka-produce")
	brokers := fs.requiredString("brokers", "comma-separated host:port list")
	topic := fs.requiredString("topic", "topic to produce to")
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

	n := *count
	msgs := make([]*sarama.ProducerMessage, n)
	for i := range msgs {
		env := testEnvelope(*run, i, *aggregates)
		value, err := json.Marshal(env) // as the SDK does: encoding/json, no indentation
		if err != nil {
			return err
		}
		msgs[i] = &sarama.ProducerMessage{
			Topic:    *topic,
			Key:      sarama.StringEncoder(env.AggregateID), // the partitioning key: same aggregate, same partition
			Value:    sarama.ByteEncoder(value),
			Headers:  kafkaHeaders(&env),
			Metadata: i,
		}
	}

	// Producer settings as the SDK's: hash partitioner, acks from all in-sync replicas,
	// successes returned, an AsyncProducer with the SDK's flush settings. One difference:
	// the SDK allows 100 in-flight requests per broker; here it is 1, because with more,
	// a retried batch can land behind a later batch of the same partition, and these
	// messages are used to check per-aggregate order.
	cfg := newSaramaConfig(fs.timeout())
	cfg.Producer.Partitioner = sarama.NewHashPartitioner
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Producer.Return.Successes = true
	cfg.Producer.Return.Errors = true
	cfg.Producer.Flush.Frequency = 10 * time.Millisecond
	cfg.Producer.Flush.Messages = 100
	cfg.Producer.Flush.Bytes = 100000
	cfg.Net.MaxOpenRequests = 1
	producer, err := sarama.NewAsyncProducer(splitList(*brokers), cfg)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}

	// One goroutine feeds the messages in index order, so each partition receives its
	// messages (and so each aggregate its versions) in order. The main loop drains
	// Successes and Errors at the same time, so neither side can block the other.
	fed := make(chan struct{})
	go func() {
		defer close(fed)
		for _, m := range msgs {
			select {
			case producer.Input() <- m:
			case <-ctx.Done():
				return
			}
		}
	}()

	acked, failed := 0, 0
	var firstErr error
	for acked+failed < n {
		select {
		case m := <-producer.Successes():
			i := m.Metadata.(int)
			env := testEnvelope(*run, i, *aggregates)
			emit(producedLine{
				EventID:     env.EventID,
				AggregateID: env.AggregateID,
				Partition:   m.Partition,
				Offset:      m.Offset,
				Value:       string(msgs[i].Value.(sarama.ByteEncoder)),
			})
			acked++
		case pe := <-producer.Errors():
			failed++
			if firstErr == nil {
				firstErr = pe.Err
			}
			fmt.Fprintf(os.Stderr, "goservice kafka-produce: message %v not produced: %v\n", pe.Msg.Metadata, pe.Err)
		case <-ctx.Done():
			<-fed
			// The producer is not closed: closing would wait for in-flight messages, which is
			// what timed out. The process exits right after this.
			return timeoutErrorf("%d of %d messages acked, %d failed, before the timeout", acked, n, failed)
		}
	}
	<-fed
	if err := producer.Close(); err != nil && firstErr == nil {
		firstErr = err
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d messages failed, first error: %w", failed, n, firstErr)
	}
	return nil
}

// --- consume ----------------------------------------------------------------------------

type consumedKafkaLine struct {
	Partition int32             `json:"partition"`
	Offset    int64             `json:"offset"`
	Key       *string           `json:"key"` // null for a record without a key
	Headers   map[string]string `json:"headers"`
	Value     string            `json:"value"`
	Decoded   any               `json:"decoded"`
}

func cmdKafkaConsume(args []string) error {
	fs := newFlagSet("kafka-consume")
	brokers := fs.requiredString("brokers", "comma-separated host:port list")
	topic := fs.requiredString("topic", "topic to consume")
	group := fs.requiredString("group", "consumer group id")
	count := fs.requiredInt("count", "number of messages to receive")
	if err := fs.parse(args); err != nil {
		return err
	}
	if err := positive("count", *count); err != nil {
		return err
	}
	ctx, cancel := fs.deadline()
	defer cancel()

	cfg := newSaramaConfig(fs.timeout())
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest // a new group reads the topic from the start
	cfg.Consumer.Return.Errors = true
	cg, err := sarama.NewConsumerGroup(splitList(*brokers), *group, cfg)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	go func() {
		for err := range cg.Errors() {
			fmt.Fprintf(os.Stderr, "goservice kafka-consume: %v\n", err)
		}
	}()

	c := &kafkaCollector{want: *count, done: cancel}
	// Consume returns at the end of every session (a rebalance, or ctx ending), so it runs
	// in a loop, as sarama documents.
	for ctx.Err() == nil {
		if err := cg.Consume(ctx, []string{*topic}, c); err != nil {
			if errors.Is(err, sarama.ErrClosedConsumerGroup) {
				break
			}
			fmt.Fprintf(os.Stderr, "goservice kafka-consume: %v\n", err)
			select {
			case <-ctx.Done():
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
	// Close leaves the group (so the next member of this group is not kept waiting for our
	// session to time out) and makes a final commit of the marked offsets.
	if err := cg.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "goservice kafka-consume: close: %v\n", err)
	}
	if got := c.received(); got < c.want {
		return timeoutErrorf("received %d of %d messages before the timeout", got, c.want)
	}
	return nil
}

// kafkaCollector is the sarama.ConsumerGroupHandler: it prints and marks messages until it
// has the wanted number, then commits and ends the run.
type kafkaCollector struct {
	mu   sync.Mutex
	want int
	got  int
	done context.CancelFunc
}

func (c *kafkaCollector) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (c *kafkaCollector) Cleanup(sarama.ConsumerGroupSession) error { return nil }

func (c *kafkaCollector) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for {
		select {
		case msg, ok := <-claim.Messages():
			if !ok {
				return nil
			}
			c.take(sess, msg)
		case <-sess.Context().Done():
			return nil
		}
	}
}

// take runs for every message of every partition; the mutex makes "exactly want messages"
// hold although one goroutine per partition calls it.
func (c *kafkaCollector) take(sess sarama.ConsumerGroupSession, msg *sarama.ConsumerMessage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.got >= c.want {
		// Beyond the count: neither printed nor marked, so the group's next consumer gets it.
		return
	}
	emit(kafkaLine(msg))
	// Marked as soon as printed: what was printed counts as consumed, also when the run
	// ends by timeout (sarama commits marked offsets when the session is released).
	sess.MarkMessage(msg, "")
	c.got++
	if c.got == c.want {
		sess.Commit() // synchronous: the offsets are on the broker before we exit 0
		c.done()
	}
}

func (c *kafkaCollector) received() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.got
}

func kafkaLine(msg *sarama.ConsumerMessage) consumedKafkaLine {
	line := consumedKafkaLine{
		Partition: msg.Partition,
		Offset:    msg.Offset,
		Headers:   map[string]string{},
		Value:     string(msg.Value),
		Decoded:   decodeEnvelope(msg.Value),
	}
	// sarama gives a nil Key for a null key (length -1) and an empty non-nil slice for "".
	if msg.Key != nil {
		k := string(msg.Key)
		line.Key = &k
	}
	// A repeated header name keeps its last value.
	for _, h := range msg.Headers {
		line.Headers[string(h.Key)] = string(h.Value)
	}
	return line
}
