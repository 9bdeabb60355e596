package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/roshambo-game/roshambo/game"
)

// BotCommand is the hidden subcommand that serves a built-in strategy over
// stdin/stdout, for when no roshambo-bot executable is found: roshambo
// re-executes itself with it, so that the bot is still a separate process
// whose moves cross a write(2) of its own.
const BotCommand = "__bot"

// Exit codes.
const (
	ExitOK       = 0
	ExitOpponent = 1 // the opponent failed; the record was kept
	ExitUsage    = 2 // bad flags, not a terminal
)

// Options are the play command's flags.
type Options struct {
	Bot      string        // built-in strategy
	Opponent string        // "CMD ARGS": an external opponent, instead of Bot
	Rounds   int           // play exactly N rounds
	FirstTo  int           // play until a side has N wins
	Commit   bool          // the opponent plays in commit mode
	Seed     int64         // the bot's seed
	EscDelay time.Duration // lone-ESC fallback (keys.Options.EscDelay)
	EscSet   bool          // --escdelay was given
	Spy      bool          // attach the eBPF spy to the opponent
	Timeout  time.Duration // per-answer timeout of the opponent
}

// Format returns the match format the options ask for.
func (o Options) Format() game.Format {
	switch {
	case o.FirstTo > 0:
		return game.FirstTo(o.FirstTo)
	case o.Rounds > 0:
		return game.Rounds(o.Rounds)
	}
	return game.Endless()
}

// usageError is a command-line mistake (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// msFlag is --escdelay: milliseconds from 0 to 1000, or unset (its String
// is then empty, so that the usage shows no made-up default).
type msFlag struct {
	ms  int
	set bool
}

func (f *msFlag) String() string {
	if f == nil || !f.set {
		return ""
	}
	return strconv.Itoa(f.ms)
}

func (f *msFlag) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 1000 {
		return errors.New("want 0 to 1000 ms")
	}
	f.ms, f.set = n, true
	return nil
}

// ParseFlags parses the play command's arguments.
func ParseFlags(args []string, stderr io.Writer) (Options, error) {
	var o Options
	fs := flag.NewFlagSet("roshambo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.Bot, "bot", game.DefaultStrategy, "built-in `strategy` to play against (see roshambo-bot --list)")
	fs.StringVar(&o.Opponent, "opponent", "", "play against any program speaking the line protocol: \"CMD ARGS\"")
	fs.IntVar(&o.Rounds, "rounds", 0, "play exactly `N` rounds (default: endless, q quits)")
	fs.IntVar(&o.FirstTo, "first-to", 0, "play until a side has `N` wins")
	endless := fs.Bool("endless", false, "play until you quit (the default)")
	fs.BoolVar(&o.Commit, "commit", false, "the opponent commits to its move (sha256) before you throw")
	seed := fs.String("seed", "", "the bot's random `seed` (default: from the clock)")
	var esc msFlag
	fs.Var(&esc, "escdelay", "`ms` (0 to 1000) to wait before a lone ESC counts as the Esc key (default: ROSHAMBO_ESCDELAY, else the input layer's default)")
	fs.BoolVar(&o.Spy, "spy", false, "attach the eBPF spy to the opponent and show its move before you throw (needs root or CAP_BPF+CAP_PERFMON)")
	fs.DurationVar(&o.Timeout, "timeout", game.DefaultTimeout, "how long the opponent may take per answer")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: roshambo [play] [flags]\n       roshambo keys\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return o, usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	set := 0
	for _, on := range []bool{o.Rounds > 0, o.FirstTo > 0, *endless} {
		if on {
			set++
		}
	}
	if set > 1 {
		return o, usageError{"--rounds, --first-to and --endless exclude each other"}
	}
	if o.Rounds < 0 || o.FirstTo < 0 {
		return o, usageError{"--rounds and --first-to need a positive N"}
	}
	if *seed == "" {
		o.Seed = time.Now().UnixNano()
	} else {
		n, err := strconv.ParseInt(*seed, 10, 64)
		if err != nil {
			return o, usageError{fmt.Sprintf("--seed %q: not an integer", *seed)}
		}
		o.Seed = n
	}
	if esc.set {
		o.EscDelay, o.EscSet = time.Duration(esc.ms)*time.Millisecond, true
	}
	if o.Opponent == "" {
		if _, err := game.NewStrategy(o.Bot, o.Seed); err != nil {
			return o, usageError{fmt.Sprintf("--bot %q: %v", o.Bot, err)}
		}
	} else if _, err := SplitCommand(o.Opponent); err != nil {
		return o, usageError{fmt.Sprintf("--opponent: %v", err)}
	}
	return o, nil
}

// SplitCommand splits "CMD ARGS" into words like a shell does for plain
// words, single quotes, double quotes and backslashes (no expansions).
func SplitCommand(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inWord := false
	var quote rune
	esc := false
	for _, r := range s {
		switch {
		case esc:
			cur.WriteRune(r)
			esc = false
		case quote != 0:
			if r == quote {
				quote = 0
			} else if r == '\\' && quote == '"' {
				esc = true
			} else {
				cur.WriteRune(r)
			}
		case r == '\\':
			esc, inWord = true, true
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 || esc {
		return nil, fmt.Errorf("unterminated quote or escape in %q", s)
	}
	if inWord {
		out = append(out, cur.String())
	}
	if len(out) == 0 {
		return nil, errors.New("empty command")
	}
	return out, nil
}

// BotArgv returns the command line of the opponent: the --opponent command,
// or roshambo-bot (next to this executable, else in PATH) with the
// strategy, seed and commit flags, else this executable in bot mode.
func BotArgv(o Options) ([]string, error) {
	if o.Opponent != "" {
		return SplitCommand(o.Opponent)
	}
	flags := []string{"--strategy", o.Bot, "--seed", strconv.FormatInt(o.Seed, 10)}
	if o.Commit {
		flags = append(flags, "--commit")
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find own executable: %w", err)
	}
	next := filepath.Join(filepath.Dir(self), "roshambo-bot")
	if st, err := os.Stat(next); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
		return append([]string{next}, flags...), nil
	}
	if p, err := exec.LookPath("roshambo-bot"); err == nil {
		return append([]string{p}, flags...), nil
	}
	return append([]string{self, BotCommand}, flags...), nil
}

// BotMain is the hidden bot mode (BotCommand): it plays a built-in strategy
// over stdin/stdout with game.ServeBot, one write(2) per answer.
func BotMain(args []string, stdin io.Reader, stdout io.Writer, stderr io.Writer) int {
	fs := flag.NewFlagSet("roshambo "+BotCommand, flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("strategy", game.DefaultStrategy, "strategy")
	seed := fs.Int64("seed", 1, "seed")
	commit := fs.Bool("commit", false, "commit mode")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	s, err := game.NewStrategy(*name, *seed)
	if err != nil {
		fmt.Fprintf(stderr, "roshambo %s: %v\n", BotCommand, err)
		return ExitUsage
	}
	if err := game.ServeBot(stdin, stdout, s, game.ServeOptions{Commit: *commit}); err != nil {
		fmt.Fprintf(stderr, "roshambo %s: %v\n", BotCommand, err)
		return 1
	}
	return ExitOK
}
