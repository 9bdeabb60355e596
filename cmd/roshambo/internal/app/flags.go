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
	"github.com/roshambo-game/roshambo/input/keys"
	"github.com/roshambo-game/roshambo/internal/cli"
	"github.com/roshambo-game/roshambo/internal/cmdline"
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
	Bot      string        // built-in strategy (the level's, unless --bot named one)
	Level    game.Level    // the level played (when Bot is a level's strategy)
	Opponent string        // "CMD ARGS": an external opponent, instead of Bot
	Rounds   int           // play exactly N rounds
	FirstTo  int           // play until a side has N wins
	Commit   bool          // the opponent plays in commit mode
	Seed     int64         // the bot's seed
	EscDelay time.Duration // lone-ESC fallback (keys.Options.EscDelay: NoEscDelay for 0 ms)
	EscSet   bool          // --escdelay was given
	Spy      bool          // attach the eBPF spy to the opponent
	Timeout  time.Duration // per-answer timeout of the opponent
	Hot      bool          // poll the keyboard while a throw is awaited (input.Reader.Hot)
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

// usageError is a mistake on the command line or a terminal that cannot be
// used (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// MaxRounds bounds --rounds and --first-to.
const MaxRounds = 1_000_000

// Usage is the game's usage text (roshambo --help).
func Usage(w io.Writer) {
	fs, _ := newFlagSet()
	fmt.Fprint(w, `usage: roshambo [play] [flags]     play a match (the default command)
       roshambo keys [flags]       show each key as the input layer decodes it
       roshambo help [command]     this help, or a command's

Rock-paper-scissors against a bot process (roshambo-bot, or any program that speaks the
line protocol). Keys: r p s (or 1 2 3) throw, ? help, q or Ctrl-C quit, Ctrl-Z suspend,
n a new match once one is over. Exit codes: 0 you quit, 1 the opponent failed, 2 bad
usage or no usable terminal; killed by a signal, the game prints its record first.

flags of play:
`)
	cli.WriteFlags(w, fs)
}

// flagValues are the flags as parsed, before they are checked together.
type flagValues struct {
	o       Options
	endless *bool
	seed    *string
	esc     keys.EscDelayFlag
}

func newFlagSet() (*flag.FlagSet, *flagValues) {
	v := &flagValues{}
	fs := flag.NewFlagSet("roshambo", flag.ContinueOnError)
	v.o.Level = game.DefaultLevel
	fs.Var(&v.o.Level, "level", "how strong the bot is: `LEVEL` easy, medium, hard or expert")
	fs.StringVar(&v.o.Bot, "bot", "", "play a built-in strategy by `NAME` instead of a level (see roshambo-bot --list)")
	fs.StringVar(&v.o.Opponent, "opponent", "", "play any program that speaks the line protocol: \"`CMD` ARGS\"\n(shell-like quoting, no expansions; excludes --level, --bot and --seed)")
	fs.Var(cli.IntRange{V: &v.o.Rounds, Min: 1, Max: MaxRounds}, "rounds", "play exactly `N` rounds (1 to 1000000)")
	fs.Var(cli.IntRange{V: &v.o.FirstTo, Min: 1, Max: MaxRounds}, "first-to", "play until a side has `N` wins (1 to 1000000)")
	v.endless = fs.Bool("endless", false, "play until you quit (the default)")
	fs.BoolVar(&v.o.Commit, "commit", false, "the opponent commits to its move (sha256) before you throw")
	v.seed = fs.String("seed", "", "the bot's random seed, an integer `N` (default: from the clock)")
	fs.Var(&v.esc, "escdelay", keys.EscDelayUsage)
	fs.BoolVar(&v.o.Spy, "spy", false, "attach the eBPF spy to the opponent and show its move before you throw\n(needs root, or CAP_BPF and CAP_PERFMON)")
	fs.BoolVar(&v.o.Hot, "hot", false, "while the game waits for your throw, poll the keyboard instead of sleeping:\nthe lowest key latency, for up to two busy cores (never while idle, paused or after the match)")
	v.o.Timeout = game.DefaultTimeout
	fs.Var(cli.DurationRange{V: &v.o.Timeout, Min: 10 * time.Millisecond, Max: 10 * time.Minute}, "timeout",
		"how long the opponent may take per answer, a duration `D` (10ms to 10m)")
	return fs, v
}

// ParseFlags parses the play command's arguments. --help and --version are
// answered on stdout and a mistake in one line on stderr; then done is true
// and code is the exit code.
func ParseFlags(args []string, stdout, stderr io.Writer) (o Options, done bool, code int) {
	fs, v := newFlagSet()
	if p := cli.Parse(fs, "roshambo", args, stdout, stderr, Usage); p.Exit {
		return o, true, p.Code
	}
	o, err := v.check(fs)
	if err != nil {
		return o, true, cli.Fail(stderr, "roshambo", "%s", err)
	}
	return o, false, 0
}

// check checks the flags together and fills in what they imply.
func (v *flagValues) check(fs *flag.FlagSet) (Options, error) {
	o := v.o
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if n := btoi(set["rounds"]) + btoi(set["first-to"]) + btoi(set["endless"]); n > 1 {
		return o, errors.New("--rounds, --first-to and --endless exclude each other")
	}
	if o.Opponent != "" && (set["bot"] || set["seed"] || set["level"]) {
		return o, errors.New("--level, --bot and --seed choose a built-in bot: they cannot be used with --opponent")
	}
	if set["bot"] && set["level"] {
		return o, errors.New("--level and --bot exclude each other (a level plays one of the strategies)")
	}
	if !set["bot"] {
		o.Bot = o.Level.Strategy()
	} else if l, ok := game.LevelOf(o.Bot); ok {
		o.Level = l
	}
	if *v.seed == "" {
		o.Seed = time.Now().UnixNano()
	} else {
		n, err := strconv.ParseInt(*v.seed, 10, 64)
		if err != nil {
			return o, fmt.Errorf("--seed %q: must be an integer", *v.seed)
		}
		o.Seed = n
	}
	o.EscDelay, o.EscSet = v.esc.Delay(), set["escdelay"]
	if o.Opponent == "" {
		if _, err := game.NewStrategy(o.Bot, o.Seed); err != nil {
			return o, fmt.Errorf("--bot: %w", err) // it names the strategy and the known ones
		}
	} else if _, err := cmdline.Split(o.Opponent); err != nil {
		return o, fmt.Errorf("--opponent %w", err)
	}
	return o, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// BotArgv returns the command line of the opponent: the --opponent command,
// or roshambo-bot (next to this executable, else in PATH) with the
// strategy, seed and commit flags, else this executable in bot mode.
func BotArgv(o Options) ([]string, error) {
	if o.Opponent != "" {
		return cmdline.Split(o.Opponent)
	}
	flags := []string{"--strategy", o.Bot, "--seed", strconv.FormatInt(o.Seed, 10)}
	if o.Commit {
		flags = append(flags, "--commit")
	}
	if explains(o.Bot) {
		flags = append(flags, "--explain", "--explain-format", "game")
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

// explains reports whether the built-in strategy name explains its moves
// (the levels' strategies do): its bot is then asked to tell the game.
func explains(name string) bool {
	s, err := game.NewStrategy(name, 0)
	if err != nil {
		return false
	}
	_, ok := s.(game.Explainer)
	return ok
}

// BotName names the opponent in the header: the level and its strategy
// ("medium (habits)"), a strategy that is no level's, or the command.
func BotName(o Options, argv []string) string {
	switch {
	case o.Opponent != "":
		return strings.Join(argv, " ")
	case o.Level.Strategy() == o.Bot:
		return fmt.Sprintf("%v (%s)", o.Level, o.Bot)
	}
	return o.Bot
}

// BotMain is the hidden bot mode (BotCommand): it plays a built-in strategy
// over stdin/stdout with game.ServeBot, one write(2) per answer.
func BotMain(args []string, stdin io.Reader, stdout io.Writer, stderr io.Writer) int {
	const prog = "roshambo " + BotCommand
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	name := fs.String("strategy", game.DefaultStrategy, "strategy")
	seed := fs.Int64("seed", 1, "seed")
	commit := fs.Bool("commit", false, "commit mode")
	explain := fs.Bool("explain", false, "tell the game how each move was chosen, on stderr")
	format := fs.String("explain-format", "game", "game (the only format of the hidden bot)")
	usage := func(w io.Writer) {
		fmt.Fprintf(w, "usage: %s [flags] (the game's own bot, started by roshambo)\n\nflags:\n", prog)
		cli.WriteFlags(w, fs)
	}
	if p := cli.Parse(fs, prog, args, stdout, stderr, usage); p.Exit {
		return p.Code
	}
	if *format != "game" {
		return cli.Fail(stderr, prog, "--explain-format %s: must be game", *format)
	}
	s, err := game.NewStrategy(*name, *seed)
	if err != nil {
		return cli.Fail(stderr, prog, "%v", err) // it names the strategy and the known ones
	}
	if *explain {
		s, _ = game.Explaining(s, func(n int, _, _ game.Move, e game.Explanation) {
			if line, err := game.ExplanationLine(n, e); err == nil {
				fmt.Fprintln(stderr, line)
			}
		})
	}
	if err := game.ServeBot(stdin, stdout, s, game.ServeOptions{Commit: *commit}); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	return ExitOK
}
