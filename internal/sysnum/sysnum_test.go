package sysnum

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/cilium/ebpf/btf"

	"github.com/roshambo-game/roshambo/bpf/event"
)

// TestHostMatchesUnix checks the native ABI of the GOARCH the test runs on
// against golang.org/x/sys/unix's constants, compiled for it.
func TestHostMatchesUnix(t *testing.T) {
	if hostNumbers == nil {
		t.Skipf("no table for %s/%s: the eBPF programs are built for linux/amd64 and linux/arm64", runtime.GOOS, runtime.GOARCH)
	}
	abi, ok := Native(runtime.GOARCH)
	if !ok {
		t.Fatalf("no native ABI for %s", runtime.GOARCH)
	}
	if len(abi.Numbers) != len(hostNumbers) {
		t.Errorf("%s: %d numbers in the table, %d checked", abi.Name, len(abi.Numbers), len(hostNumbers))
	}
	for name, want := range hostNumbers {
		if got, ok := abi.Numbers[name]; !ok || got != want {
			t.Errorf("%s %s = %d (present %v), x/sys/unix says %d", abi.Name, name, got, ok, want)
		}
	}
}

// xsysFiles are the files of golang.org/x/sys/unix that hold each ABI's
// numbers (the compat ABIs are the 32-bit architectures' own).
var xsysFiles = map[string]string{
	"x86_64":  "zsysnum_linux_amd64.go",
	"ia32":    "zsysnum_linux_386.go",
	"arm64":   "zsysnum_linux_arm64.go",
	"aarch32": "zsysnum_linux_arm.go",
}

// TestEveryABIMatchesXSys checks every ABI, whatever the host, against the
// source of golang.org/x/sys/unix in the module cache.
func TestEveryABIMatchesXSys(t *testing.T) {
	dir := xsysDir(t)
	sysRE := regexp.MustCompile(`(?m)^\s*SYS_([A-Z0-9_]+)\s*=\s*(\d+)`)
	for _, abi := range ABIs {
		t.Run(abi.Name, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join(dir, "unix", xsysFiles[abi.Name]))
			if err != nil {
				t.Fatal(err)
			}
			xsys := map[string]int{}
			for _, m := range sysRE.FindAllSubmatch(src, -1) {
				n, _ := strconv.Atoi(string(m[2]))
				xsys[strings.ToLower(string(m[1]))] = n
			}
			for name, got := range abi.Numbers {
				if want, ok := xsys[name]; !ok || got != want {
					t.Errorf("%s = %d, x/sys/unix's %s says %d (present %v)", name, got, xsysFiles[abi.Name], want, ok)
				}
			}
			// A call of the lists that the ABI has must be in the table.
			for _, name := range append(append([]string{"send"}, Write...), Breakdown...) {
				if _, ok := xsys[name]; ok {
					if _, in := abi.Numbers[name]; !in && !(name == "send" || abi.Compat && isBreakdown(name)) {
						t.Errorf("%s is a system call of %s but is missing from the table", name, abi.Name)
					}
				}
			}
		})
	}
}

func isBreakdown(name string) bool {
	for _, n := range Breakdown {
		if n == name && n != "write" {
			return true
		}
	}
	return false
}

// xsysDir returns the directory of the golang.org/x/sys module the build
// uses.
func xsysDir(t *testing.T) string {
	t.Helper()
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		if gobin, err = exec.LookPath("go"); err != nil {
			t.Skipf("the go command is needed to find golang.org/x/sys's source: %v", err)
		}
	}
	out, err := exec.Command(gobin, "list", "-m", "-f", "{{.Dir}}", "golang.org/x/sys").Output()
	if err != nil {
		t.Fatalf("go list -m golang.org/x/sys: %v", err)
	}
	dir := string(bytes.TrimSpace(out))
	if dir == "" {
		t.Skip("golang.org/x/sys's source is not in the module cache (go mod download)")
	}
	return dir
}

// TestEventNumbers checks that an event's number names the call it stands
// for, as package bpf/event decodes it.
func TestEventNumbers(t *testing.T) {
	for _, name := range Write {
		n, ok := Event(name)
		if !ok {
			t.Fatalf("no event number for %s", name)
		}
		if got := event.Syscall(n).String(); got != name {
			t.Errorf("event number %d of %s decodes as %s", n, name, got)
		}
	}
	if n, _ := Event("send"); event.Syscall(n) != event.SysSendto {
		t.Errorf("send is reported as %v, want sendto", event.Syscall(n))
	}
	if n, _ := Event("io_uring_enter"); event.Syscall(n) != event.SysIoUring {
		t.Errorf("io_uring_enter is reported as %d, want %d", n, event.SysIoUring)
	}
}

// cBlocks returns the #define NAME NUMBER lines of each per-architecture
// block of a C source (#if defined(__TARGET_ARCH_x) ... #elif/#else), by
// bpf2go's architecture name, and those outside the blocks under "".
func cBlocks(t *testing.T, path string) map[string]map[string]int {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	archRE := regexp.MustCompile(`^#(?:el)?if defined\(__TARGET_ARCH_(\w+)\)`)
	defRE := regexp.MustCompile(`^#define (\w+) (\d+)\b`)
	blocks := map[string]map[string]int{"": {}}
	arch := ""
	for _, line := range strings.Split(string(src), "\n") {
		if m := archRE.FindStringSubmatch(line); m != nil {
			arch = m[1]
			blocks[arch] = map[string]int{}
			continue
		}
		if strings.HasPrefix(line, "#else") || strings.HasPrefix(line, "#endif") {
			arch = ""
			continue
		}
		if m := defRE.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[2])
			blocks[arch][m[1]] = n
		}
	}
	return blocks
}

// cArch is bpf2go's __TARGET_ARCH_ name of each GOARCH.
var cArch = map[string]string{"amd64": "x86", "arm64": "arm64"}

// checkC checks the NR_ (native) and NR32_ (compat) lines of each block
// against the table: every line is right, and every call of names that
// the ABI has is there.
func checkC(t *testing.T, blocks map[string]map[string]int, names []string, compat bool) {
	t.Helper()
	for goarch, carch := range cArch {
		block, ok := blocks[carch]
		if !ok {
			t.Errorf("no block for __TARGET_ARCH_%s", carch)
			continue
		}
		for prefix, isCompat := range map[string]bool{"NR_": false, "NR32_": true} {
			if isCompat && !compat {
				continue
			}
			abi, ok := find(goarch, isCompat)
			if !ok {
				t.Fatalf("no ABI for %s (compat %v)", goarch, isCompat)
			}
			seen := map[string]bool{}
			for macro, n := range block {
				if !strings.HasPrefix(macro, prefix) {
					continue
				}
				name := strings.ToLower(strings.TrimPrefix(macro, prefix))
				seen[name] = true
				if want, ok := abi.Numbers[name]; !ok || n != want {
					t.Errorf("%s: #define %s %d, the table says %d (present %v)", abi.Name, macro, n, want, ok)
				}
			}
			for _, name := range names {
				if _, has := abi.Numbers[name]; has && !seen[name] {
					t.Errorf("%s: no #define %s%s in the block", abi.Name, prefix, strings.ToUpper(name))
				}
			}
		}
	}
}

// TestSpySource checks spy.c's per-architecture numbers and its event
// numbers (SYS_*) against the table.
func TestSpySource(t *testing.T) {
	blocks := cBlocks(t, "../../bpf/spy/spy.c")
	checkC(t, blocks, append([]string{"send"}, Write...), true)
	for _, name := range append(Write, "io_uring_enter") {
		macro := "SYS_" + strings.ToUpper(name)
		want, _ := Event(name)
		if got, ok := blocks[""][macro]; !ok || got != want {
			t.Errorf("spy.c: #define %s %d, want %d (present %v)", macro, got, want, ok)
		}
	}
}

// TestBreakdownSource checks breakdown.c's per-architecture numbers against
// the table.
func TestBreakdownSource(t *testing.T) {
	checkC(t, cBlocks(t, "../../bench/breakdown/breakdown.c"), Breakdown, false)
}

// TestRegTable checks each register of the table against the kernel layout
// that KernelPtRegs describes, anonymous members and array elements
// included.
func TestRegTable(t *testing.T) {
	for _, r := range RegTable {
		t.Run(r.GOARCH, func(t *testing.T) {
			st := KernelPtRegs(r.GOARCH)
			if st == nil {
				t.Fatal("no kernel layout")
			}
			regs := append([]Reg{r.Nr}, append(r.Args[:], r.CompatArgs[:]...)...)
			if r.Mode != nil {
				regs = append(regs, *r.Mode)
			}
			for _, reg := range regs {
				off, ok := fieldOffset(st, reg.Field)
				if !ok || off != reg.Offset {
					t.Errorf("%s at %d in the table, %d in the layout (found %v)", reg.Field, reg.Offset, off, ok)
				}
			}
		})
	}
	if _, ok := RegsOf("riscv64"); ok {
		t.Error("riscv64 has a register table but no eBPF objects")
	}
}

// fieldOffset finds "name" or "name[i]" in t, looking into anonymous
// members.
func fieldOffset(t btf.Type, field string) (uint32, bool) {
	name, index := field, -1
	if i := strings.IndexByte(field, '['); i >= 0 {
		name = field[:i]
		index, _ = strconv.Atoi(strings.TrimSuffix(field[i+1:], "]"))
	}
	var members []btf.Member
	switch c := t.(type) {
	case *btf.Struct:
		members = c.Members
	case *btf.Union:
		members = c.Members
	default:
		return 0, false
	}
	for _, m := range members {
		if m.Name == "" {
			if off, ok := fieldOffset(m.Type, field); ok {
				return m.Offset.Bytes() + off, true
			}
			continue
		}
		if m.Name != name {
			continue
		}
		if index < 0 {
			return m.Offset.Bytes(), true
		}
		a, ok := m.Type.(*btf.Array)
		if !ok || uint32(index) >= a.Nelems {
			return 0, false
		}
		size, err := btf.Sizeof(a.Type)
		if err != nil {
			return 0, false
		}
		return m.Offset.Bytes() + uint32(index*size), true
	}
	return 0, false
}
