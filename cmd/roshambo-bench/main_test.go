package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunDispatch(t *testing.T) {
	for _, tt := range []struct {
		args []string
		code int
		out  string // expected in stdout+stderr
	}{
		{nil, 2, "usage: roshambo-bench capture|screen|spy"},
		{[]string{"nope"}, 2, `unknown benchmark "nope"`},
		{[]string{"help"}, 0, "capture  capture latency"},
		{[]string{"--help"}, 0, "screen   key-to-screen latency"},
		{[]string{"--version"}, 0, "roshambo-bench "},
		{[]string{"help", "screen"}, 0, "usage: roshambo-bench screen"},
		{[]string{"help", "nope"}, 2, "help nope: no such benchmark"},
		{[]string{"screen", "--bogus"}, 2, "roshambo-bench screen: unknown flag --bogus (see roshambo-bench screen --help)"},
		{[]string{"screen", "--size", "big"}, 2, "--size big: must be COLSxROWS"},
		{[]string{"capture", "--load", "bogus"}, 2, `unknown load "bogus"`},
		{[]string{"capture", "-h"}, 0, "usage: roshambo-bench capture"},
		{[]string{"screen", "--samples", "0"}, 2, "--samples 0: must be 1 to 100000"},
		{[]string{"screen", "-h"}, 0, "usage: roshambo-bench screen"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(tt.args, &stdout, &stderr)
		if code != tt.code || !strings.Contains(stdout.String()+stderr.String(), tt.out) {
			t.Errorf("run(%q) = %d, output %q; want %d and %q", tt.args, code, stdout.String()+stderr.String(), tt.code, tt.out)
		}
	}
}
