// Command kstatus computes an object's kstatus, as Flux's kustomize-controller and
// `kubectl`-style waiters read it: sigs.k8s.io/cli-utils/pkg/kstatus/status.Compute.
//
// Usage: kstatus < object.json
// Prints {"status":"Current|InProgress|Failed|Terminating|Unknown","message":"..."} on stdout.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

func main() {
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err.Error())
	}
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(in); err != nil {
		fail("decoding the object: " + err.Error())
	}
	result, err := status.Compute(obj)
	if err != nil {
		fail(err.Error())
	}
	out := struct {
		Status  string `json:"status"`
		Message string `json:"message"`
	}{result.Status.String(), result.Message}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fail(err.Error())
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "kstatus:", message)
	os.Exit(1)
}
