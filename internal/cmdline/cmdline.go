// Package cmdline splits a command line given as one string (roshambo
// --opponent "CMD ARGS", an entrant of roshambo-bot tournament) into the
// words of an argv, as a POSIX shell would without expansions. It is the one
// splitter of the module: the game and the tournament must agree on what a
// command line means.
package cmdline

import (
	"errors"
	"fmt"
	"strings"
)

// ErrSyntax is wrapped by Split for an unterminated quote, a trailing
// backslash, or a line with no word at all.
var ErrSyntax = errors.New("bad command line")

// Split splits s into words like a POSIX shell without expansions: white
// space (a newline too) separates words; single quotes keep everything literally; double
// quotes keep white space and honour \" and \\ (any other backslash stays);
// a backslash outside quotes escapes the next character. A command needs at
// least one word.
func Split(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\\':
			if i+1 >= len(s) {
				return nil, fmt.Errorf("%q: a backslash at the end: %w", s, ErrSyntax)
			}
			i++
			cur.WriteByte(s[i])
			inWord = true
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("%q: a single quote is not closed: %w", s, ErrSyntax)
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, fmt.Errorf("%q: a double quote is not closed: %w", s, ErrSyntax)
			}
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("%q: no command: %w", s, ErrSyntax)
	}
	return words, nil
}
