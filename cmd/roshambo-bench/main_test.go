package main

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/roshambo-game/roshambo/internal/testutil"
)

// TestCLI: the conventions of internal/cli in the dispatcher and in every
// benchmark: --help, -h and help on stdout with exit 0, --version, and every
// mistake (an unknown flag, a value out of its range, conflicting flags) in
// one line on stderr with exit 2, before anything runs.
func TestCLI(t *testing.T) {
	for _, tt := range []struct {
		args   []string
		code   int
		stdout string // in stdout
		stderr string // in stderr
	}{
		{nil, 2, "", "usage: roshambo-bench capture|screen|spy"},
		{[]string{"nope"}, 2, "", `roshambo-bench: unknown benchmark "nope" (capture, screen, spy) (see roshambo-bench --help)`},
		{[]string{"--nope"}, 2, "", `roshambo-bench: unknown benchmark "--nope"`},
		{[]string{"help"}, 0, "capture  capture latency", ""},
		{[]string{"--help"}, 0, "screen   key-to-screen latency", ""},
		{[]string{"-h"}, 0, "spy      overhead", ""},
		{[]string{"--version"}, 0, "roshambo-bench ", ""},
		{[]string{"help", "nope"}, 2, "", "help nope: no such benchmark"},

		{[]string{"help", "capture"}, 0, "usage: roshambo-bench capture", ""},
		{[]string{"capture", "-h"}, 0, "usage: roshambo-bench capture", ""},
		{[]string{"capture", "--version"}, 0, "roshambo-bench capture ", ""},
		{[]string{"capture", "--bogus"}, 2, "", "roshambo-bench capture: unknown flag --bogus (see roshambo-bench capture --help)"},
		{[]string{"capture", "extra"}, 2, "", `roshambo-bench capture: unexpected argument "extra"`},
		{[]string{"capture", "--load", "bogus"}, 2, "", `unknown load "bogus"`},
		{[]string{"capture", "--readers", "bogus"}, 2, "", `unknown reader "bogus"`},
		{[]string{"capture", "--gap", "slow"}, 2, "", "--gap slow: must be fast or human"},
		{[]string{"capture", "--samples", "0"}, 2, "", "--samples 0: must be a whole number from 1 to 1000000"},
		{[]string{"capture", "--samples", "-1"}, 2, "", "--samples -1: must be a whole number from 1 to 1000000"},
		{[]string{"capture", "--warmup", "-1"}, 2, "", "--warmup -1: must be a whole number from 0 to 100000"},
		{[]string{"capture", "--esc-samples", "-1"}, 2, "", "--esc-samples -1: must be a whole number from 0 to 100000"},
		{[]string{"capture", "--budget", "0"}, 2, "", "--budget 0: must be from 1s to 24h0m0s"},
		{[]string{"capture", "--idle-cpu", "-1s"}, 2, "", "--idle-cpu -1s: must be from 0s to 1h0m0s"},
		{[]string{"capture", "--seed", "-1"}, 2, "", "--seed -1: must be a whole number from 0 to"},

		{[]string{"help", "screen"}, 0, "usage: roshambo-bench screen", ""},
		{[]string{"screen", "-h"}, 0, "usage: roshambo-bench screen", ""},
		{[]string{"screen", "--version"}, 0, "roshambo-bench screen ", ""},
		{[]string{"screen", "--bogus"}, 2, "", "roshambo-bench screen: unknown flag --bogus (see roshambo-bench screen --help)"},
		{[]string{"screen", "--size", "big"}, 2, "", "--size big: must be COLSxROWS"},
		{[]string{"screen", "--samples", "0"}, 2, "", "--samples 0: must be 1 to 100000"},
		{[]string{"screen", "--gap-min", "100ms", "--gap-max", "50ms"}, 2, "", "gap"},

		{[]string{"help", "spy"}, 0, "usage: roshambo-bench spy", ""},
		{[]string{"spy", "-h"}, 0, "--compare-wakeup POLICY", ""},
		{[]string{"spy", "--version"}, 0, "roshambo-bench spy ", ""},
		{[]string{"spy", "--bogus"}, 2, "", "roshambo-bench spy: unknown flag --bogus (see roshambo-bench spy --help)"},
		{[]string{"spy", "extra"}, 2, "", `unexpected argument "extra"`},
		{[]string{"spy", "--writes", "0"}, 2, "", "--writes 0: must be a whole number from 1 to 100000000"},
		{[]string{"spy", "--repeat", "101"}, 2, "", "--repeat 101: must be a whole number from 1 to 100"},
		{[]string{"spy", "--duration", "0"}, 2, "", "--duration 0: must be from 1ms to 1h0m0s"},
		{[]string{"spy", "--spy-poll", "0s"}, 2, "", "--spy-poll 0s: must be from 1µs to 1s"},
		{[]string{"spy", "--copy-bytes", "5000"}, 2, "", "--copy-bytes 5000: must be a whole number from 0 to 4096"},
		{[]string{"spy", "--ring-size", "3000"}, 2, "", "--ring-size 3000: must be 0 or a power of two"},
		{[]string{"spy", "--delivery-ring-size", "-1"}, 2, "", "--delivery-ring-size -1: must be a whole number from 0"},
		{[]string{"spy", "--rates", "-5"}, 2, "", `--rates: rate "-5" must be writes per second from 0 (unpaced) to 1e9`},
		{[]string{"spy", "--sinks", "disk"}, 2, "", `--sinks: unknown sink "disk"`},
		{[]string{"spy", "--tracers", ""}, 2, "", "must each name at least one"},
		{[]string{"spy", "--wakeup", "never"}, 2, "", "--wakeup never: must be one of"},
		{[]string{"spy", "--wakeup", "parked", "--compare-wakeup", "parked"}, 2, "", "--compare-wakeup parked: must differ from --wakeup"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(tt.args, &stdout, &stderr)
		errLines := strings.Count(stderr.String(), "\n")
		ok := code == tt.code && strings.Contains(stdout.String(), tt.stdout) && strings.Contains(stderr.String(), tt.stderr)
		if tt.code == 0 {
			ok = ok && stderr.Len() == 0
		} else if tt.args != nil {
			ok = ok && stdout.Len() == 0 && errLines == 1
		}
		if !ok {
			t.Errorf("run(%q) = %d, stdout %q, stderr %q; want %d, stdout with %q, one line on stderr with %q",
				tt.args, code, stdout.String(), stderr.String(), tt.code, tt.stdout, tt.stderr)
		}
	}
}

// TestREADME: the README shows roshambo-bench --help as it is, and every
// flag it names is one that a benchmark's --help lists.
func TestREADME(t *testing.T) {
	doc := testutil.READMESection(t, "Benchmarks")
	var b bytes.Buffer
	usage(&b)
	if !strings.Contains(doc, "```\n"+b.String()+"```\n") {
		t.Errorf("the README's section on the benchmarks does not show roshambo-bench --help as it is:\n%s", b.String())
	}
	var all bytes.Buffer
	for _, name := range []string{"capture", "screen", "spy"} {
		if code := run([]string{"help", name}, &all, io.Discard); code != 0 {
			t.Fatalf("help %s: exit %d", name, code)
		}
	}
	listed := map[string]bool{}
	for _, f := range testutil.ListedFlags(all.String()) {
		listed[f] = true
	}
	for _, m := range regexp.MustCompile("`[^`]*?(--[a-z][a-z0-9-]*)").FindAllStringSubmatch(doc, -1) {
		if !listed[m[1]] {
			t.Errorf("the README names %s, which no benchmark's --help lists", m[1])
		}
	}
}
