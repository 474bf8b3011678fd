package teststate

import (
	"encoding/hex"

	"github.com/sluice-run/sluice/internal/asl"
	"github.com/sluice-run/sluice/internal/interp"
	"github.com/sluice-run/sluice/internal/jsonvalue"
)

// defaultContext builds the context object AWS gives a tested state when
// the request has none: an Express execution of a state machine with
// generated names, started now, with the state called "StateName".
//
// As recorded from AWS, $$.Execution holds Id, Input, Name, RoleArn (null
// without a role) and StartTime, and the keys come in the order
// Execution, StateMachine, State. $$.State.RetryCount exists for the
// states that can retry. A state inside a Map item processor also gets
// $$.Map.Item with index 0 and the input as value.
func (x *run) defaultContext() *jsonvalue.Object {
	region := x.req.Env.Region
	if region == "" {
		region = "us-east-1"
	}
	account := x.req.Env.AccountID
	if account == "" {
		account = "123456789012"
	}
	machine, name := uuid(x.rnd), uuid(x.rnd)
	now := x.now.Format("2006-01-02T15:04:05.000Z")

	exec := jsonvalue.NewObject(5)
	exec.Append("Id", "arn:aws:states:"+region+":"+account+":express:"+machine+":"+name)
	exec.Append("Input", x.input.v)
	exec.Append("Name", name)
	if x.req.RoleArn != "" {
		exec.Append("RoleArn", x.req.RoleArn)
	} else {
		exec.Append("RoleArn", nil)
	}
	exec.Append("StartTime", now)

	sm := jsonvalue.NewObject(2)
	sm.Append("Id", "arn:aws:states:"+region+":"+account+":stateMachine:"+machine)
	sm.Append("Name", machine)

	st := jsonvalue.NewObject(3)
	st.Append("Name", wrapName)
	st.Append("EnteredTime", now)
	switch x.s.Type {
	case asl.TypeTask, asl.TypeMap, asl.TypeParallel:
		st.Append("RetryCount", jsonvalue.Int(x.p.retryCount))
	}

	c := jsonvalue.NewObject(5)
	c.Append("Execution", exec)
	c.Append("StateMachine", sm)
	c.Append("State", st)
	if x.s.Type == asl.TypeTask && interp.WaitsForToken(x.s.Resource) {
		task := jsonvalue.NewObject(1)
		task.Append("Token", token(x.rnd))
		c.Append("Task", task)
	}
	if x.t.inMap {
		item := &mapItem{index: 0, value: x.input.v}
		c = item.context(c)
	}
	return c
}

// uuid draws a version 4 UUID.
func uuid(rnd interface{ Uint64() uint64 }) string {
	var b [16]byte
	fill(b[:], rnd)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// token draws a task token.
func token(rnd interface{ Uint64() uint64 }) string {
	var b [32]byte
	fill(b[:], rnd)
	return hex.EncodeToString(b[:])
}

func fill(b []byte, rnd interface{ Uint64() uint64 }) {
	for i := 0; i < len(b); i += 8 {
		v := rnd.Uint64()
		for j := 0; j < 8 && i+j < len(b); j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
}
