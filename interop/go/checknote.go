// checknote opens a chiptrail checkpoint with Go's golang.org/x/mod/sumdb/note (the reference C2SP
// signed-note implementation) and checks the checkpoint's root against a ledger with sumdb/tlog.
//
//	go run checknote.go VERIFIER-KEY NOTE-FILE [LEDGER]
//
// It prints the verified checkpoint text and, with LEDGER, "tlog root OK" when tlog.TreeHash over the
// ledger's first <size> lines equals the checkpoint's root.
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: checknote VERIFIER-KEY NOTE-FILE [LEDGER]")
		os.Exit(64)
	}
	v, err := note.NewVerifier(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "verifier key:", err)
		os.Exit(65)
	}
	msg, err := os.ReadFile(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(74)
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		fmt.Fprintln(os.Stderr, "note.Open:", err)
		os.Exit(1)
	}
	fmt.Print(n.Text)
	fmt.Printf("verified by %s (%d unverified signature lines)\n", n.Sigs[0].Name, len(n.UnverifiedSigs))
	if len(os.Args) < 4 {
		return
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	size, _ := strconv.ParseInt(lines[1], 10, 64)
	want, _ := base64.StdEncoding.DecodeString(lines[2])
	f, err := os.Open(os.Args[3])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(74)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	var hashes []tlog.Hash
	for i := int64(0); i < size; i++ {
		line, err := r.ReadBytes('\n')
		if err != nil {
			fmt.Fprintln(os.Stderr, "ledger shorter than the checkpoint:", err)
			os.Exit(1)
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		// The tlog record hash is RFC 6962's leaf hash; store every hash tlog asks for.
		h, err := tlog.StoredHashes(i, line, hashReader(hashes))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		hashes = append(hashes, h...)
	}
	root, err := tlog.TreeHash(size, hashReader(hashes))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if !bytes.Equal(root[:], want) {
		fmt.Printf("tlog root MISMATCH: %x != %x\n", root[:], want)
		os.Exit(1)
	}
	fmt.Println("tlog root OK")
}

type hashReader []tlog.Hash

func (h hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		out[i] = h[x]
	}
	return out, nil
}
