package spy

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ProcessOf returns the process (thread group) that pid belongs to: pid
// itself for a process, its process for a thread id. It returns an error
// matching ErrNoSuchProcess if there is no such thread.
func ProcessOf(pid int) (int, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if os.IsNotExist(err) {
		return 0, ErrNoSuchProcess
	}
	if err != nil {
		return 0, fmt.Errorf("read the status of %d: %w", pid, err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "Tgid:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n <= 0 {
				break
			}
			return n, nil
		}
	}
	return 0, fmt.Errorf("no Tgid in /proc/%d/status", pid)
}

// parentOf returns the parent process of process pid.
func parentOf(pid int) (int, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("bad /proc/%d/stat", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return 0, fmt.Errorf("bad /proc/%d/stat", pid)
	}
	return strconv.Atoi(f[1])
}

// processes returns the ids of every process in /proc.
func processes() []int {
	d, err := os.Open("/proc")
	if err != nil {
		return nil
	}
	defer d.Close()
	names, _ := d.Readdirnames(-1)
	var pids []int
	for _, n := range names {
		if pid, err := strconv.Atoi(n); err == nil && pid > 0 {
			pids = append(pids, pid)
		}
	}
	return pids
}

// childrenOf returns the processes whose parent is pid, now.
func childrenOf(pid int) []int {
	var kids []int
	for _, p := range processes() {
		if pp, err := parentOf(p); err == nil && pp == pid {
			kids = append(kids, p)
		}
	}
	return kids
}

// processesNamed returns the processes one of whose threads is named name.
func processesNamed(name string) []int {
	var pids []int
	for _, p := range processes() {
		dir := "/proc/" + strconv.Itoa(p) + "/task"
		d, err := os.Open(dir)
		if err != nil {
			continue
		}
		tids, _ := d.Readdirnames(-1)
		d.Close()
		for _, tid := range tids {
			b, err := os.ReadFile(dir + "/" + tid + "/comm")
			if err == nil && strings.TrimSuffix(string(b), "\n") == name {
				pids = append(pids, p)
				break
			}
		}
	}
	return pids
}
