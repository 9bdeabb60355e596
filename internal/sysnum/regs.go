package sysnum

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
)

// Reg is a field of the kernel's struct pt_regs that the eBPF programs read,
// and its byte offset in the kernel's layout.
type Reg struct {
	Field  string
	Offset uint32
}

// Regs is the Go side of the one register table of an architecture: where
// the kernel's struct pt_regs keeps what the eBPF programs read (the REGS_
// macros of spy.c and breakdown.c), by CO-RE, so that only the field names
// are compiled in and the offsets come from the running kernel.
type Regs struct {
	GOARCH string
	// Nr holds the number of the system call at sys_exit.
	Nr Reg
	// Args hold the first three arguments (fd, buffer, count) at
	// sys_enter; a compat call's are their low 32 bits, or other registers
	// (CompatArgs).
	Args, CompatArgs [3]Reg
	// Mode, if set, holds the state that tells a compat call (arm64:
	// pstate, whose bit 4 is set in AArch32 state). x86 keeps it in the
	// task's thread_info instead.
	Mode *Reg
}

// RegTable is the register table of each architecture. On arm64, x0 is
// overwritten by the return value before sys_exit: the first argument is
// read from orig_x0, which the kernel saves at entry.
var RegTable = []Regs{
	{
		GOARCH:     "amd64",
		Nr:         Reg{"orig_ax", 120},
		Args:       [3]Reg{{"di", 112}, {"si", 104}, {"dx", 96}},
		CompatArgs: [3]Reg{{"bx", 40}, {"cx", 88}, {"dx", 96}},
	},
	{
		GOARCH:     "arm64",
		Nr:         Reg{"syscallno", 280},
		Args:       [3]Reg{{"orig_x0", 272}, {"regs[1]", 8}, {"regs[2]", 16}},
		CompatArgs: [3]Reg{{"orig_x0", 272}, {"regs[1]", 8}, {"regs[2]", 16}},
		Mode:       &Reg{"pstate", 264},
	},
}

// RegsOf returns goarch's register table, and false if there is none.
func RegsOf(goarch string) (Regs, bool) {
	for _, r := range RegTable {
		if r.GOARCH == goarch {
			return r, true
		}
	}
	return Regs{}, false
}

// KernelPtRegs returns goarch's struct pt_regs as the kernel's BTF describes
// it (the part up to the fields the programs read), for tests that relocate
// the programs' CO-RE accesses without that kernel: x86_64's flat list of
// registers, arm64's registers inside an anonymous union with struct
// user_pt_regs, followed by orig_x0 and syscallno. It returns nil for an
// architecture without a table.
func KernelPtRegs(goarch string) *btf.Struct {
	u64 := &btf.Int{Name: "long unsigned int", Size: 8}
	s32 := &btf.Int{Name: "int", Size: 4, Encoding: btf.Signed}
	u32 := &btf.Int{Name: "unsigned int", Size: 4}
	member := func(name string, t btf.Type, off uint32) btf.Member {
		return btf.Member{Name: name, Type: t, Offset: btf.Bits(off * 8)}
	}
	switch goarch {
	case "amd64":
		var ms []btf.Member
		for i, name := range []string{"r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9", "r8",
			"ax", "cx", "dx", "si", "di", "orig_ax", "ip", "cs", "flags", "sp", "ss"} {
			ms = append(ms, member(name, u64, uint32(i)*8))
		}
		return &btf.Struct{Name: "pt_regs", Size: 168, Members: ms}
	case "arm64":
		regs := &btf.Array{Index: u32, Type: u64, Nelems: 31}
		user := []btf.Member{member("regs", regs, 0), member("sp", u64, 248), member("pc", u64, 256), member("pstate", u64, 264)}
		union := &btf.Union{Size: 272, Members: []btf.Member{
			member("user_regs", &btf.Struct{Name: "user_pt_regs", Size: 272, Members: user}, 0),
			member("", &btf.Struct{Size: 272, Members: user}, 0),
		}}
		return &btf.Struct{Name: "pt_regs", Size: 296, Members: []btf.Member{
			member("", union, 0), member("orig_x0", u64, 272), member("syscallno", s32, 280),
			member("pmr", u32, 284), member("sdei_ttbr1", u64, 288),
		}}
	}
	return nil
}

// PtRegsOffsets relocates the CO-RE accesses of prog to struct pt_regs
// against goarch's kernel layout (KernelPtRegs) and returns the kernel
// offsets they read, sorted, without duplicates. It needs no kernel: it
// checks an object built for another architecture. types is the object's
// BTF (CollectionSpec.Types).
func PtRegsOffsets(prog *ebpf.ProgramSpec, types *btf.Spec, goarch string) ([]uint32, error) {
	regs := KernelPtRegs(goarch)
	if regs == nil {
		return nil, fmt.Errorf("no struct pt_regs for %s", goarch)
	}
	b, err := btf.NewBuilder(nil, nil)
	if err != nil {
		return nil, err
	}
	if _, err := b.Add(regs); err != nil {
		return nil, fmt.Errorf("kernel pt_regs: %w", err)
	}
	kernel, err := b.Spec()
	if err != nil {
		return nil, fmt.Errorf("kernel pt_regs: %w", err)
	}
	var relos []*btf.CORERelocation
	for i := range prog.Instructions {
		if r := btf.CORERelocationMetadata(&prog.Instructions[i]); r != nil && strings.Contains(r.String(), `"pt_regs"`) {
			relos = append(relos, r)
		}
	}
	if len(relos) == 0 {
		return nil, fmt.Errorf("%s: no CO-RE access to struct pt_regs", prog.Name)
	}
	fixups, err := btf.CORERelocate(relos, []*btf.Spec{kernel}, binary.LittleEndian, types.TypeID)
	if err != nil {
		return nil, fmt.Errorf("%s: relocate against %s's pt_regs: %w", prog.Name, goarch, err)
	}
	var offs []uint32
	for i, f := range fixups {
		// "byte_off=LOCAL->TARGET", or "...=poison" when the kernel
		// layout has no such field.
		s := f.String()
		kind, rest, _ := strings.Cut(s, "=")
		_, target, ok := strings.Cut(rest, "->")
		if kind != "byte_off" || !ok {
			return nil, fmt.Errorf("%s: %v: fixup %s", prog.Name, relos[i], s)
		}
		n, err := strconv.ParseUint(target, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("%s: fixup %s: %w", prog.Name, s, err)
		}
		offs = append(offs, uint32(n))
	}
	slices.Sort(offs)
	return slices.Compact(offs), nil
}
