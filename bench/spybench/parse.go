package spybench

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// straceCountWrites counts the write(2) calls on fd recorded in strace's
// output (strace -f -e trace=write -o FILE). A call interrupted by another
// thread's event is printed as "write(4, ... <unfinished ...>" and later
// "<... write resumed>"; only the first line counts. Lines may carry a
// "PID " or "[pid PID] " prefix.
func straceCountWrites(r io.Reader, fd int) (int64, error) {
	prefix := "write(" + strconv.Itoa(fd) + ","
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var n int64
	for sc.Scan() {
		if strings.HasPrefix(stracePayload(sc.Text()), prefix) {
			n++
		}
	}
	if err := sc.Err(); err != nil {
		return n, fmt.Errorf("read strace output: %w", err)
	}
	return n, nil
}

// stracePayload strips the "PID " or "[pid PID] " prefix that strace -f puts
// before a traced call.
func stracePayload(line string) string {
	if rest, ok := strings.CutPrefix(line, "[pid "); ok {
		if i := strings.IndexByte(rest, ']'); i >= 0 {
			return strings.TrimLeft(rest[i+1:], " ")
		}
		return line
	}
	i := 0
	for i < len(line) && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	if i > 0 && i < len(line) && line[i] == ' ' {
		return strings.TrimLeft(line[i:], " ")
	}
	return line
}

// bpftraceLine is what one line of bpftrace's output says.
type bpftraceLine int

const (
	btOther bpftraceLine = iota // anything else
	btReady                     // "READY", printed by the script's BEGIN probe
	btEvent                     // "w", one event printed by the script
	btLost                      // "Lost N events": N events the perf buffer dropped
	btCount                     // "@c: N": the count map, printed at exit
)

// parseBpftraceLine classifies one line of bpftrace output and returns the
// number it carries (for btLost and btCount).
func parseBpftraceLine(line string) (bpftraceLine, int64) {
	line = strings.TrimSpace(line)
	switch line {
	case "READY":
		return btReady, 0
	case "w":
		return btEvent, 1
	}
	if rest, ok := strings.CutPrefix(line, "Lost "); ok {
		num, tail, ok := strings.Cut(rest, " ")
		if ok && strings.HasPrefix(tail, "events") {
			if n, err := strconv.ParseInt(num, 10, 64); err == nil && n >= 0 {
				return btLost, n
			}
		}
		return btOther, 0
	}
	if rest, ok := strings.CutPrefix(line, "@c:"); ok {
		if n, err := strconv.ParseInt(strings.TrimSpace(rest), 10, 64); err == nil && n >= 0 {
			return btCount, n
		}
	}
	return btOther, 0
}
