package testutil

import (
	"slices"
	"testing"
)

func TestListedFlags(t *testing.T) {
	usage := "usage: prog [flags]\n\n  --all  all of it\n  --copy BYTES     bytes\n" +
		"                         a continuation, --not-a-flag\n  -o FILE   out\n  -h, --help   help\n  --version  version\n"
	want := []string{"--all", "--copy", "-o", "--help", "--version"}
	if got := ListedFlags(usage); !slices.Equal(got, want) {
		t.Errorf("ListedFlags = %q, want %q", got, want)
	}
}
