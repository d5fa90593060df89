// SPDX-License-Identifier: Apache-2.0
// nats-keys: the NKeys and JWTs of the NATS authentication tests, made with the libraries the
// NATS ecosystem makes them with (nkeys, jwt/v2), so the C++ side is tested against the real
// formats rather than ones of its own.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nkeys"
)

// cmdNatsKeys writes into --dir:
//
//	user.nk, user.pub      a user NKey: its seed file and public key (NKey authentication)
//	other.nk, other.pub    another user NKey, which the server does not know
//	user.creds             a decentralised-auth user (JWT and seed) of account APP, signed
//	                       by the operator below (jwt.FormatUserConfig)
//	operator.conf          nats-server settings trusting that operator: operator, resolver
//	                       MEMORY, resolver_preload with APP (JetStream without limits) and
//	                       the system account SYS, system_account
//
// and prints one JSON line naming the public keys. Seeds are written 0600 and never printed.
func cmdNatsKeys(args []string) error {
	fs := newFlagSet("nats-keys")
	dir := fs.requiredString("dir", "directory to write the keys into (must exist)")
	if err := fs.parse(args); err != nil {
		return err
	}
	user, err := writeUserNKey(*dir, "user")
	if err != nil {
		return err
	}
	other, err := writeUserNKey(*dir, "other")
	if err != nil {
		return err
	}
	app, err := writeOperatorChain(*dir)
	if err != nil {
		return err
	}
	emit(map[string]any{"user_public": user, "other_public": other, "account_public": app})
	return nil
}

// writeUserNKey writes NAME.nk (the seed) and NAME.pub (the public key); returns the latter.
func writeUserNKey(dir, name string) (string, error) {
	kp, err := nkeys.CreateUser()
	if err != nil {
		return "", err
	}
	seed, err := kp.Seed()
	if err != nil {
		return "", err
	}
	public, err := kp.PublicKey()
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, name+".nk"), append(seed, '\n'), 0o600); err != nil {
		return "", err
	}
	return public, os.WriteFile(filepath.Join(dir, name+".pub"), []byte(public+"\n"), 0o644)
}

// newAccount returns an account key pair and its JWT signed by the operator.
func newAccount(operator nkeys.KeyPair, name string, jetstream bool) (nkeys.KeyPair, string, string, error) {
	kp, err := nkeys.CreateAccount()
	if err != nil {
		return nil, "", "", err
	}
	public, err := kp.PublicKey()
	if err != nil {
		return nil, "", "", err
	}
	claims := jwt.NewAccountClaims(public)
	claims.Name = name
	if jetstream {
		// Without limits: -1 everywhere (an account JWT without them has no JetStream).
		claims.Limits.JetStreamLimits = jwt.JetStreamLimits{
			MemoryStorage: jwt.NoLimit, DiskStorage: jwt.NoLimit,
			Streams: jwt.NoLimit, Consumer: jwt.NoLimit,
		}
	}
	token, err := claims.Encode(operator)
	return kp, public, token, err
}

// writeOperatorChain writes user.creds and operator.conf; returns APP's public key.
func writeOperatorChain(dir string) (string, error) {
	operator, err := nkeys.CreateOperator()
	if err != nil {
		return "", err
	}
	operatorPublic, err := operator.PublicKey()
	if err != nil {
		return "", err
	}
	operatorClaims := jwt.NewOperatorClaims(operatorPublic)
	operatorClaims.Name = "eventbus-test"
	operatorJWT, err := operatorClaims.Encode(operator)
	if err != nil {
		return "", err
	}
	_, sysPublic, sysJWT, err := newAccount(operator, "SYS", false)
	if err != nil {
		return "", err
	}
	app, appPublic, appJWT, err := newAccount(operator, "APP", true)
	if err != nil {
		return "", err
	}

	user, err := nkeys.CreateUser()
	if err != nil {
		return "", err
	}
	userPublic, err := user.PublicKey()
	if err != nil {
		return "", err
	}
	userClaims := jwt.NewUserClaims(userPublic)
	userClaims.Name = "eventbus"
	userJWT, err := userClaims.Encode(app)
	if err != nil {
		return "", err
	}
	userSeed, err := user.Seed()
	if err != nil {
		return "", err
	}
	creds, err := jwt.FormatUserConfig(userJWT, userSeed)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "user.creds"), creds, 0o600); err != nil {
		return "", err
	}

	conf := fmt.Sprintf("operator: %s\nsystem_account: %s\nresolver: MEMORY\n"+
		"resolver_preload: {\n  %s: %s\n  %s: %s\n}\n",
		operatorJWT, sysPublic, sysPublic, sysJWT, appPublic, appJWT)
	return appPublic, os.WriteFile(filepath.Join(dir, "operator.conf"), []byte(conf), 0o600)
}
