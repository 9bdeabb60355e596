package testutil

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// READMESection returns the section of the module's README.md under the
// "## " heading that starts with heading, up to the next "## " heading. It
// fails the test when there is none.
func READMESection(t testing.TB, heading string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(ModuleRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	i := strings.Index(text, "\n## "+heading)
	if i < 0 {
		t.Fatalf("README.md has no section %q", "## "+heading)
	}
	rest := text[i+1:]
	if j := strings.Index(rest[3:], "\n## "); j >= 0 {
		rest = rest[:j+3]
	}
	return rest
}

// listedFlag is a flag at the start of a line of a usage's flag list:
// "  --rounds N", "  -o FILE", "  -h, --help".
var listedFlag = regexp.MustCompile(`(?m)^  (--?[a-z][a-z0-9-]*)(?:, (--[a-z][a-z0-9-]*))?`)

// ListedFlags returns the flags that a usage text (cli.WriteFlags) lists,
// as "--name" (or "-o"; the long name of "-h, --help"), in order.
func ListedFlags(usage string) []string {
	var names []string
	for _, m := range listedFlag.FindAllStringSubmatch(usage, -1) {
		if m[2] != "" {
			m[1] = m[2]
		}
		names = append(names, m[1])
	}
	return names
}

// CheckFlagsDocumented fails the test for every flag that usage lists and
// doc does not mention as `--name` (or `-o`), in backquotes, as the README
// writes a flag, and for every flag that doc mentions and usage does not
// list. --help and --version are checked like any other.
func CheckFlagsDocumented(t testing.TB, usage, doc, what string) {
	t.Helper()
	listed := map[string]bool{}
	for _, f := range ListedFlags(usage) {
		listed[f] = true
		if !regexp.MustCompile("`" + regexp.QuoteMeta(f) + "[` =]").MatchString(doc) {
			t.Errorf("%s: flag %s is in --help but not in the README", what, f)
		}
	}
	for _, m := range regexp.MustCompile("`(--?[a-z][a-z0-9-]*)[` =]").FindAllStringSubmatch(doc, -1) {
		if !listed[m[1]] {
			t.Errorf("%s: the README names flag %s, which --help does not list", what, m[1])
		}
	}
}

// ModuleRoot returns the directory of the module's go.mod, found from the
// test's working directory upwards.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}
