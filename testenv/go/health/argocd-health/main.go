// Command argocd-health evaluates an Argo CD resource health script the way Argo CD's
// application controller does (util/lua in argo-cd v3.6.1): the object, decoded as the
// controller holds it (unstructured, integers as int64), is the global `obj`; the script returns
// a table that is encoded to JSON and read as {status, message}.
//
// Usage: argocd-health SCRIPT < object.json
// Prints {"status":"...","message":"..."} on stdout.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	luajson "layeh.com/gopher-json"
)

// The health codes Argo CD accepts from a script; anything else becomes Unknown.
var validStatus = map[string]bool{
	"Healthy": true, "Progressing": true, "Degraded": true, "Suspended": true, "Missing": true, "Unknown": true,
}

type healthStatus struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

func main() {
	if len(os.Args) != 2 {
		fail("usage: argocd-health SCRIPT < object.json")
	}
	script, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail(err.Error())
	}
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err.Error())
	}
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(in); err != nil {
		fail("decoding the object: " + err.Error())
	}
	health, err := evaluate(obj, string(script))
	if err != nil {
		fail(err.Error())
	}
	if err := json.NewEncoder(os.Stdout).Encode(health); err != nil {
		fail(err.Error())
	}
}

func evaluate(obj *unstructured.Unstructured, script string) (*healthStatus, error) {
	// Scripts from argocd-cm run without the standard libraries unless useOpenLibs is set:
	// Argo CD opens only package, base and table (and a safe os, which ours does not use).
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
	} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), NRet: 0, Protect: true}, lua.LString(lib.name)); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", decodeValue(l, obj.Object))
	if err := l.DoString(script); err != nil {
		return nil, err
	}
	ret := l.Get(-1)
	if ret.Type() != lua.LTTable {
		return nil, fmt.Errorf("expect table output from Lua script, not %s", ret.Type())
	}
	encoded, err := luajson.Encode(ret)
	if err != nil {
		return nil, err
	}
	health := &healthStatus{}
	if err := json.Unmarshal(encoded, health); err != nil {
		return nil, err
	}
	if !validStatus[health.Status] {
		return &healthStatus{Status: "Unknown", Message: "Lua returned an invalid health status"}, nil
	}
	return health, nil
}

// decodeValue converts the object into Lua values as Argo CD's util/lua does.
func decodeValue(l *lua.LState, value any) lua.LValue {
	switch v := value.(type) {
	case bool:
		return lua.LBool(v)
	case float64:
		return lua.LNumber(v)
	case string:
		return lua.LString(v)
	case json.Number:
		return lua.LString(v)
	case int:
		return lua.LNumber(v)
	case int32:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case []any:
		arr := l.CreateTable(len(v), 0)
		for _, item := range v {
			arr.Append(decodeValue(l, item))
		}
		return arr
	case map[string]any:
		tbl := l.CreateTable(0, len(v))
		for key, item := range v {
			tbl.RawSetH(lua.LString(key), decodeValue(l, item))
		}
		return tbl
	}
	return lua.LNil
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "argocd-health:", message)
	os.Exit(1)
}
