package testutil

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// RoleEnv is the one environment variable by which the module's tests
// re-execute their test binary to play another program (a bot, a target
// process, a terminal child, the command itself): "ROSHAMBO_TEST_ROLE=NAME"
// or "NAME:ARG". A role's process inherits it, like any environment.
const RoleEnv = "ROSHAMBO_TEST_ROLE"

// Role is a role's entry point: it gets the ARG of "NAME:ARG" ("" without
// one) and returns the process's exit code. os.Args[1:] are the arguments
// the test gave the process.
type Role func(arg string) int

// Main is the body of a package's TestMain: in a process started in a role
// (RoleEnv), it runs that role; otherwise it runs the tests. It exits with
// their code. An unknown role is an error, exit code 2.
func Main(m *testing.M, roles map[string]Role) {
	if v := os.Getenv(RoleEnv); v != "" {
		name, arg, _ := strings.Cut(v, ":")
		role, ok := roles[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "%s: %s=%q: no such test role\n", os.Args[0], RoleEnv, v)
			os.Exit(2)
		}
		os.Exit(role(arg))
	}
	os.Exit(m.Run())
}

// RoleEnviron returns the environment entry that starts the test binary in
// role name with arg ("" for none), for exec.Cmd.Env.
func RoleEnviron(name, arg string) string {
	if arg == "" {
		return RoleEnv + "=" + name
	}
	return RoleEnv + "=" + name + ":" + arg
}

// Environ returns this process's environment with the role set to name
// and arg (any role this process plays is left out), for a child that is
// started without exec.Cmd (which keeps the last of duplicate entries).
func Environ(name, arg string) []string {
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, RoleEnv+"=") {
			env = append(env, e)
		}
	}
	return append(env, RoleEnviron(name, arg))
}

// Command returns a command that runs this test binary in role name with
// arg, args as its arguments, and this process's environment.
func Command(name, arg string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = Environ(name, arg)
	return cmd
}

// RequireRoot skips the test unless the process runs as root, saying what
// needs root ("the spy needs CAP_BPF and CAP_PERFMON").
func RequireRoot(t testing.TB, why string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skipf("skipping: not root, and %s", why)
	}
}
