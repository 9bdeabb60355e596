package keys

import (
	"bytes"
	"strings"
	"testing"
)

// chunk is one captured chunk for a test.
type chunk struct {
	data    string
	t       int64
	drained bool
}

// got is a decoded event with its aliased slices copied.
type got struct {
	Event
}

// drain calls Next until it returns false, copying every event.
func drain(d *Decoder, out []got) []got {
	var ev Event
	for d.Next(&ev) {
		e := ev
		e.Raw = bytes.Clone(ev.Raw)
		e.Text = bytes.Clone(ev.Text)
		out = append(out, got{e})
	}
	return out
}

// decode feeds the chunks in order, draining after each, then expires what is
// still pending (at its deadline) and checks that the events' Raw bytes are
// exactly the input.
func decode(t *testing.T, d *Decoder, chunks ...chunk) []got {
	t.Helper()
	var out []got
	var in strings.Builder
	for _, c := range chunks {
		in.WriteString(c.data)
		d.Feed([]byte(c.data), c.t, c.drained)
		out = drain(d, out)
	}
	out = expireAll(d, out)
	checkRaw(t, in.String(), out)
	return out
}

func expireAll(d *Decoder, out []got) []got {
	for i := 0; i < 1000 && d.Deadline() != 0; i++ {
		d.Expire(d.Deadline())
		out = drain(d, out)
	}
	return out
}

func checkRaw(t *testing.T, in string, evs []got) {
	t.Helper()
	var raw strings.Builder
	for _, e := range evs {
		raw.Write(e.Raw)
	}
	if raw.String() != in {
		t.Errorf("concatenated Raw = %q, input = %q", raw.String(), in)
	}
}

// strs renders events with String for compact comparisons.
func strs(evs []got) []string {
	s := make([]string, len(evs))
	for i, e := range evs {
		s[i] = e.String()
	}
	return s
}

func one(s string) []chunk { return []chunk{{data: s, t: 100, drained: true}} }
