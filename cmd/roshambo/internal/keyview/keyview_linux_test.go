package keyview

import (
	"bytes"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/roshambo-game/roshambo/input"
	"github.com/roshambo-game/roshambo/input/keys"
)

func decode(t *testing.T, s string) input.Event {
	t.Helper()
	d := keys.NewDecoder(keys.Options{})
	d.Feed([]byte(s), 1, true)
	var ev input.Event
	if !d.Next(&ev.Event) {
		t.Fatalf("no event for %q", s)
	}
	ev.Type = input.EventInput
	return ev
}

func TestFormat(t *testing.T) {
	cases := []struct {
		name    string
		ev      func(t *testing.T) input.Event
		latency int64
		want    string
	}{
		{"rune", func(t *testing.T) input.Event { return decode(t, "a") }, 12345,
			"61                       a                Rune 'a'                       12.3 µs\r\n"},
		{"utf-8", func(t *testing.T) input.Event { return decode(t, "é") }, 1000,
			"c3 a9                    é                Rune 'é'                       1.0 µs\r\n"},
		{"ctrl-up", func(t *testing.T) input.Event { return decode(t, "\x1b[1;5A") }, 250,
			"1b 5b 31 3b 35 41        CSI 1;5A         Ctrl+Up                        0.2 µs\r\n"},
		{"resize", func(t *testing.T) input.Event { return input.Event{Type: input.EventResize, Cols: 80, Rows: 24} }, -1,
			"-                        -                Resize 80x24                   -\r\n"},
		{"terminate", func(t *testing.T) input.Event {
			return input.Event{Type: input.EventTerminate, Signal: syscall.SIGTERM}
		}, -1, "-                        -                Terminate (terminated)         -\r\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev := tc.ev(t)
			if got := string(Format(nil, &ev, tc.latency)); got != tc.want {
				t.Errorf("Format:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestFormatLongPaste(t *testing.T) {
	ev := decode(t, "\x1b[200~"+strings.Repeat("x", 100)+"\x1b[201~")
	got := string(Format(nil, &ev, 0))
	if !strings.Contains(got, "…") || !strings.Contains(got, "(112 bytes)") || !strings.Contains(got, "Paste(100 bytes)") {
		t.Errorf("Format(paste) = %q: want a truncated hex dump, the byte count and the event", got)
	}
}

func TestParseFlags(t *testing.T) {
	cases := []struct {
		args    []string
		want    time.Duration
		wantErr string
	}{
		{nil, 0, ""},
		{[]string{"--escdelay", "5"}, 5 * time.Millisecond, ""},
		{[]string{"--escdelay=0"}, keys.NoEscDelay, ""},
		{[]string{"--escdelay", "1000"}, time.Second, ""},
		{[]string{"--escdelay", "1001"}, 0, "--escdelay 1001: must be a whole number of milliseconds from 0 to 1000"},
		{[]string{"--escdelay", "-1"}, 0, "--escdelay -1: must be"},
		{[]string{"--escdelay", "x"}, 0, "--escdelay x: must be"},
		{[]string{"stray"}, 0, `unexpected argument "stray"`},
		{[]string{"--nope"}, 0, "unknown flag --nope"},
	}
	for _, tc := range cases {
		var stdout, stderr bytes.Buffer
		o, done, code := ParseFlags(tc.args, &stdout, &stderr)
		if tc.wantErr != "" {
			line := stderr.String()
			if !done || code != ExitUsage || !strings.Contains(line, tc.wantErr) || strings.Count(line, "\n") != 1 ||
				!strings.HasSuffix(line, "(see roshambo keys --help)\n") {
				t.Errorf("ParseFlags(%q): done %v, exit %d, stderr %q; want one line with %q", tc.args, done, code, line, tc.wantErr)
			}
			continue
		}
		if done || o.EscDelay != tc.want {
			t.Errorf("ParseFlags(%q) = %v, done %v (%q); want EscDelay %v", tc.args, o.EscDelay, done, stderr.String(), tc.want)
		}
	}
	var stdout, stderr bytes.Buffer
	if _, done, code := ParseFlags([]string{"--help"}, &stdout, &stderr); !done || code != 0 || stderr.Len() != 0 ||
		!strings.Contains(stdout.String(), "usage: roshambo keys") {
		t.Errorf("--help: done %v, exit %d, stdout %q, stderr %q", done, code, stdout.String(), stderr.String())
	}
}

func ExampleFormat() {
	d := keys.NewDecoder(keys.Options{})
	d.Feed([]byte("\x1b[1;3D"), 0, true)
	var ev input.Event
	d.Next(&ev.Event)
	ev.Type = input.EventInput
	line := Format(nil, &ev, 42_000)
	fmt.Println(strings.TrimRight(string(line), "\r\n"))
	// Output: 1b 5b 31 3b 33 44        CSI 1;3D         Alt+Left                       42.0 µs
}
