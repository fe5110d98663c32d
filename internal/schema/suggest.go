package schema

import (
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// suggest names the field a misspelt one most likely meant: the closest of
// the known fields, within two edits (or equal but for case).
func suggest(field string, known []string) string {
	best, bestD := "", 3
	sort.Strings(known)
	for _, k := range known {
		if strings.EqualFold(k, field) {
			return k
		}
		if d := distance(field, k); d < bestD && d < len(k) {
			best, bestD = k, d
		}
	}
	return best
}

// distance is the Levenshtein distance between two strings.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// propsAt lists the properties a compiled schema declares for the object
// at path.
func propsAt(s *jsonschema.Schema, path []string) []string {
	for _, p := range path {
		if s == nil {
			return nil
		}
		if _, err := strconv.Atoi(p); err == nil && s.Items2020 != nil {
			s = s.Items2020
			continue
		}
		s = s.Properties[p]
	}
	if s == nil {
		return nil
	}
	out := make([]string, 0, len(s.Properties))
	for k := range s.Properties {
		out = append(out, k)
	}
	return out
}

// explainTypos turns an unknown field next to a missing required one it
// is a misspelling of into one violation, and names the likely field of
// any other unknown one.
func explainTypos(vs []Violation, known func(path []string) []string) []Violation {
	drop := map[int]bool{}
	for i := range vs {
		v := &vs[i]
		if v.Problem != Unknown || len(v.Path) == 0 {
			continue
		}
		parent, field := v.Path[:len(v.Path)-1], v.Path[len(v.Path)-1]
		s := suggest(field, known(parent))
		if s == "" {
			continue
		}
		v.Suggestion = s
		for j, r := range vs {
			if r.Problem == Required && r.Field == s && strings.Join(r.Path, ".") == strings.Join(parent, ".") {
				drop[j] = true
				v.Message += " (and " + s + ", which is required, is missing)"
			}
		}
	}
	if len(drop) == 0 {
		return vs
	}
	out := vs[:0:0]
	for i, v := range vs {
		if !drop[i] {
			out = append(out, v)
		}
	}
	return out
}
