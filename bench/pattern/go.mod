module github.com/sluice-run/sluice/bench/pattern

go 1.26.8

require (
	github.com/sluice-run/sluice v0.0.0
	quamina.net/go/quamina v1.5.1
)

replace (
	github.com/sluice-run/sluice => ../..
	quamina.net/go/quamina => github.com/timbray/quamina v1.5.1
)
