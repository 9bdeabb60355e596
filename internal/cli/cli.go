// Package cli holds the conventions that the module's programs (roshambo,
// roshambo-bot, roshambo-spy, roshambo-bench) share, so that they behave
// alike:
//
//   - --help and -h print the usage to stdout and exit 0;
//   - --version prints the module's version and VCS revision and exits 0;
//   - a bad flag or value prints one line to stderr, "prog: what is wrong
//     (see prog --help)", and exits 2;
//   - numeric values are range-checked, and the error names the range.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// Exit codes common to the programs.
const (
	ExitOK    = 0
	ExitUsage = 2 // bad flags or values, or a terminal that cannot be used
)

// Parsed says how Parse ended: continue (Exit false), or exit with Code
// (help, version, or a usage error, already reported).
type Parsed struct {
	Exit bool
	Code int
}

// Parse parses args with fs, after adding a --version flag to it. usage
// writes the whole usage text (synopsis, description, flags: see
// WriteFlags). --help and -h print it to stdout; --version prints
// Version(prog); a flag that does not parse is reported in one line on
// stderr. prog names the program in messages ("roshambo", "roshambo keys").
func Parse(fs *flag.FlagSet, prog string, args []string, stdout, stderr io.Writer, usage func(w io.Writer)) Parsed {
	version := fs.Bool("version", false, "print the version and exit")
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage(stdout)
		return Parsed{Exit: true, Code: ExitOK}
	case err != nil:
		return Parsed{Exit: true, Code: Fail(stderr, prog, "%s", flagError(fs, err))}
	case *version:
		fmt.Fprintln(stdout, Version(prog))
		return Parsed{Exit: true, Code: ExitOK}
	}
	return Parsed{}
}

// invalidValue is how the flag package reports a value whose Set failed.
var (
	invalidValue = regexp.MustCompile(`^invalid value "(.*)" for flag -([^:]+): (.*)$`)
	invalidBool  = regexp.MustCompile(`^invalid boolean value "(.*)" for -([^:]+): `)
)

// flagError rewords the flag package's errors as the programs say them:
// "--rounds 0: must be 1 to 1000000".
func flagError(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if m := invalidValue.FindStringSubmatch(msg); m != nil {
		v := m[1]
		if v == "" || strings.ContainsAny(v, " \t\"'") {
			v = strconv.Quote(v)
		}
		why := m[3]
		if why == "parse error" || why == "value out of range" {
			why = mustBe(fs.Lookup(m[2]), why)
		}
		return fmt.Sprintf("--%s %s: %s", m[2], v, why)
	}
	if m := invalidBool.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("--%s=%s: must be true or false", m[2], strconv.Quote(m[1]))
	}
	if rest, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return "unknown flag --" + strings.TrimPrefix(rest, "-")
	}
	if rest, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return "--" + strings.TrimPrefix(rest, "-") + " needs a value"
	}
	return msg
}

// mustBe says what the value of a flag of the flag package's own types
// must be, for its "parse error" and "value out of range".
func mustBe(f *flag.Flag, why string) string {
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return why
	}
	switch g.Get().(type) {
	case int:
		return fmt.Sprintf("must be a whole number from %d to %d", math.MinInt, math.MaxInt)
	case int64:
		return fmt.Sprintf("must be a whole number from %d to %d", int64(math.MinInt64), int64(math.MaxInt64))
	case uint, uint64:
		return fmt.Sprintf("must be a whole number from 0 to %d", uint64(math.MaxUint64))
	case float64:
		return "must be a number"
	case time.Duration:
		return "must be a duration such as 500ms or 2s"
	}
	return why
}

// Fail reports a usage error in one line, "prog: msg (see prog --help)",
// and returns ExitUsage.
func Fail(stderr io.Writer, prog, format string, args ...any) int {
	fmt.Fprintf(stderr, "%s: %s (see %s --help)\n", prog, fmt.Sprintf(format, args...), prog)
	return ExitUsage
}

// Version returns "prog <module version> (<revision>[, modified], <date>)"
// from the build information; a build from a work tree shows "(devel)" and
// the revision it was built from.
func Version(prog string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return prog + " (no build information)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, when string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	var parts []string
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if modified {
			rev += ", modified"
		}
		parts = append(parts, "revision "+rev)
	}
	if when != "" {
		parts = append(parts, when)
	}
	parts = append(parts, bi.GoVersion)
	return fmt.Sprintf("%s %s (%s)", prog, v, strings.Join(parts, ", "))
}

// WriteFlags writes fs's flags as the usage's flag list: "  --name VALUE"
// ("-o" for a one-letter name) and the help text, with the default when it
// is not the zero value, then --help and --version, which every program
// has.
func WriteFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name == "version" {
			return
		}
		name, help := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if len(f.Name) == 1 {
			line = "  -" + f.Name
		}
		if name != "" {
			line += " " + name
		}
		if len(line) <= 24 {
			line += strings.Repeat(" ", 25-len(line))
		} else {
			line += "\n" + strings.Repeat(" ", 25)
		}
		line += strings.ReplaceAll(help, "\n", "\n"+strings.Repeat(" ", 25))
		if d := f.DefValue; d != "" && d != "0" && d != "false" && d != "0s" {
			line += " (default " + d + ")"
		}
		fmt.Fprintln(w, line)
	})
	fmt.Fprintln(w, "  -h, --help             print this help and exit")
	fmt.Fprintln(w, "  --version              print the version and exit")
}

// IntRange is an int flag.Value that accepts only Min to Max.
type IntRange struct {
	V        *int
	Min, Max int
}

// Int defines an int flag limited to [lo, hi].
func Int(fs *flag.FlagSet, name string, def, lo, hi int, usage string) *int {
	v := def
	fs.Var(IntRange{&v, lo, hi}, name, usage)
	return &v
}

func (r IntRange) String() string {
	if r.V == nil {
		return ""
	}
	return strconv.Itoa(*r.V)
}

// Set parses s and checks the range.
func (r IntRange) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < r.Min || n > r.Max {
		return fmt.Errorf("must be a whole number from %d to %d", r.Min, r.Max)
	}
	*r.V = n
	return nil
}

// DurationRange is a time.Duration flag.Value that accepts only Min to Max.
type DurationRange struct {
	V        *time.Duration
	Min, Max time.Duration
}

// Duration defines a duration flag limited to [lo, hi].
func Duration(fs *flag.FlagSet, name string, def, lo, hi time.Duration, usage string) *time.Duration {
	v := def
	fs.Var(DurationRange{&v, lo, hi}, name, usage)
	return &v
}

func (r DurationRange) String() string {
	if r.V == nil {
		return ""
	}
	return r.V.String()
}

// Set parses s (a Go duration: 500ms, 2s) and checks the range.
func (r DurationRange) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("must be a duration such as 500ms or 2s, from %v to %v", r.Min, r.Max)
	}
	if d < r.Min || d > r.Max {
		return fmt.Errorf("must be from %v to %v", r.Min, r.Max)
	}
	*r.V = d
	return nil
}
