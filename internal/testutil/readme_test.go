package testutil

import (
	"fmt"
	"os"
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

func TestRoleEnviron(t *testing.T) {
	if got := RoleEnviron("bot", ""); got != "ROSHAMBO_TEST_ROLE=bot" {
		t.Errorf("RoleEnviron(bot) = %q", got)
	}
	if got := RoleEnviron("helper", "commitbot"); got != "ROSHAMBO_TEST_ROLE=helper:commitbot" {
		t.Errorf("RoleEnviron(helper, commitbot) = %q", got)
	}
}

// TestCommand runs this test binary in a role (see TestMain).
func TestCommand(t *testing.T) {
	out, err := Command("echo", "hello", "a", "b").Output()
	if err != nil || string(out) != "hello [a b]\n" {
		t.Fatalf("echo role: %q, %v", out, err)
	}
	cmd := Command("nosuch", "")
	if err := cmd.Run(); cmd.ProcessState.ExitCode() != 2 {
		t.Fatalf("unknown role: %v, exit %d; want 2", err, cmd.ProcessState.ExitCode())
	}
}

func TestMain(m *testing.M) {
	Main(m, map[string]Role{"echo": func(arg string) int {
		fmt.Println(arg, os.Args[1:])
		return 0
	}})
}
