package cli

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

func newFS() (*flag.FlagSet, *int, *time.Duration) {
	fs := flag.NewFlagSet("prog", flag.ContinueOnError)
	n := Int(fs, "rounds", 5, 1, 100, "play `N` rounds")
	d := Duration(fs, "timeout", 2*time.Second, 10*time.Millisecond, time.Minute, "per answer, a duration `D`")
	fs.Bool("fast", false, "go fast")
	fs.String("o", "", "write to `FILE`")
	fs.Int64("seed", 0, "seed `N`")
	return fs, n, d
}

func usage(w io.Writer) { fmt.Fprintln(w, "usage: prog [flags]") }

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		args           []string
		exit           bool
		code           int
		stdout, stderr string
	}{
		{nil, false, 0, "", ""},
		{[]string{"--rounds", "7", "--timeout", "1s"}, false, 0, "", ""},
		{[]string{"--help"}, true, 0, "usage: prog [flags]\n", ""},
		{[]string{"-h"}, true, 0, "usage: prog [flags]\n", ""},
		{[]string{"--version"}, true, 0, "prog ", ""},
		{[]string{"--rounds", "0"}, true, 2, "", "prog: --rounds 0: must be a whole number from 1 to 100 (see prog --help)\n"},
		{[]string{"--rounds", "many"}, true, 2, "", "prog: --rounds many: must be a whole number from 1 to 100 (see prog --help)\n"},
		{[]string{"--timeout", "1h"}, true, 2, "", "prog: --timeout 1h: must be from 10ms to 1m0s (see prog --help)\n"},
		{[]string{"--timeout", "two seconds"}, true, 2, "", `prog: --timeout "two seconds": must be a duration`},
		{[]string{"--timeout"}, true, 2, "", "prog: --timeout needs a value (see prog --help)\n"},
		{[]string{"--seed", "x"}, true, 2, "", "prog: --seed x: must be a whole number from -9223372036854775808 to 9223372036854775807 (see prog --help)\n"},
		{[]string{"--seed", "99999999999999999999"}, true, 2, "", "prog: --seed 99999999999999999999: must be a whole number from -9223372036854775808"},
		{[]string{"--nope"}, true, 2, "", "prog: unknown flag --nope (see prog --help)\n"},
		{[]string{"--fast=maybe"}, true, 2, "", `prog: --fast="maybe": must be true or false (see prog --help)`},
	} {
		fs, _, _ := newFS()
		var stdout, stderr bytes.Buffer
		p := Parse(fs, "prog", tc.args, &stdout, &stderr, usage)
		if p.Exit != tc.exit || p.Code != tc.code || !strings.HasPrefix(stdout.String(), tc.stdout) ||
			!strings.HasPrefix(stderr.String(), tc.stderr) || strings.Count(stderr.String(), "\n") > 1 ||
			tc.stdout == "" && stdout.Len() > 0 || tc.stderr == "" && stderr.Len() > 0 {
			t.Errorf("%q: %+v, stdout %q, stderr %q; want exit %v code %d, stdout %q, stderr %q",
				tc.args, p, stdout.String(), stderr.String(), tc.exit, tc.code, tc.stdout, tc.stderr)
		}
	}
	fs, n, d := newFS()
	if p := Parse(fs, "prog", []string{"--rounds", "7", "--timeout", "150ms"}, io.Discard, io.Discard, usage); p.Exit || *n != 7 || *d != 150*time.Millisecond {
		t.Errorf("values: %+v, %d, %v", p, *n, *d)
	}
}

func TestWriteFlags(t *testing.T) {
	fs, _, _ := newFS()
	var b bytes.Buffer
	WriteFlags(&b, fs)
	want := "  --fast                 go fast\n" +
		"  -o FILE                write to FILE\n" +
		"  --rounds N             play N rounds (default 5)\n" +
		"  --seed N               seed N\n" +
		"  --timeout D            per answer, a duration D (default 2s)\n" +
		"  -h, --help             print this help and exit\n" +
		"  --version              print the version and exit\n"
	if b.String() != want {
		t.Errorf("WriteFlags:\n%s\nwant:\n%s", b.String(), want)
	}
	// After Parse has added --version, it is still listed once, last.
	Parse(fs, "prog", nil, io.Discard, io.Discard, usage)
	b.Reset()
	WriteFlags(&b, fs)
	if b.String() != want {
		t.Errorf("WriteFlags after Parse:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestVersion(t *testing.T) {
	// A test binary has build information, but no module version.
	v := Version("prog")
	if !strings.HasPrefix(v, "prog ") || !strings.Contains(v, "go1.") || strings.Contains(v, "\n") {
		t.Errorf("Version = %q", v)
	}
}
