package cmdline

import (
	"errors"
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

var cases = []struct {
	in   string
	want []string
}{
	{"roshambo-bot --strategy cycle", []string{"roshambo-bot", "--strategy", "cycle"}},
	{`sh -c 'read l; echo rock'`, []string{"sh", "-c", "read l; echo rock"}},
	{`python3 "my bot.py"  x\ y`, []string{"python3", "my bot.py", "x y"}},
	{`a "b\"c"`, []string{"a", `b"c`}},
	{`bot "a\b"`, []string{"bot", `a\b`}},
	{`a "b\\c"`, []string{"a", `b\c`}},
	{`a ''`, []string{"a", ""}},
	{"a\tb  c", []string{"a", "b", "c"}},
	{`a'b'"c"d`, []string{"abcd"}},
	{"  python3   bot.py --x ", []string{"python3", "bot.py", "--x"}},
	{`sh -c 'echo "hi"; read x'`, []string{"sh", "-c", `echo "hi"; read x`}},
	{`a\ b "c\"d" e\\f`, []string{"a b", `c"d`, `e\f`}},
	{`""`, []string{""}},
}

func TestSplit(t *testing.T) {
	for _, tc := range cases {
		got, err := Split(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Split(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	// A newline is white space here (a shell would end the command there).
	if got, err := Split("a\nb"); err != nil || !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("Split with a newline = %q, %v", got, err)
	}
	for _, bad := range []string{"", "   ", `a 'b`, `a "b`, `a \`} {
		if got, err := Split(bad); !errors.Is(err, ErrSyntax) {
			t.Errorf("Split(%q) = %q, %v; want an error wrapping ErrSyntax", bad, got, err)
		}
	}
}

// TestSplitLikeTheShell: for lines without expansions, the words are the
// ones sh gives a program.
func TestSplitLikeTheShell(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("sh is not installed: no shell to compare with")
	}
	for _, tc := range cases {
		// Let the shell split tc.in itself: printf each argument of a
		// command line made of it.
		out, err := exec.Command(sh, "-c", `f() { for w in "$@"; do printf '%s\0' "$w"; done; }; f `+tc.in).Output()
		if err != nil {
			t.Fatalf("sh on %q: %v", tc.in, err)
		}
		got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("sh splits %q into %q; the table says %q", tc.in, got, tc.want)
		}
	}
}

// shellQuote quotes w for Split (and sh).
func shellQuote(w string) string { return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'" }

// FuzzSplit: Split never panics, and the words it returns, quoted again,
// split back to the same words.
func FuzzSplit(f *testing.F) {
	f.Add(`sh -c 'read l; echo rock'`)
	f.Add(`a "b\"c" d\ e`)
	f.Fuzz(func(t *testing.T, s string) {
		words, err := Split(s)
		if err != nil {
			return
		}
		q := make([]string, len(words))
		for i, w := range words {
			q[i] = shellQuote(w)
		}
		again, err := Split(strings.Join(q, " "))
		if err != nil || !reflect.DeepEqual(again, words) {
			t.Fatalf("%q -> %q -> %q (%v)", s, words, again, err)
		}
	})
}
