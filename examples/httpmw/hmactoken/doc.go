// Package hmactoken is an example bearer-token format for the httpmw
// middleware: a grant.Token's claims, signed with HMAC-SHA256 (RFC 2104,
// FIPS 198-1) and written in a compact, URL-safe form, built with the
// standard library only. It shows what a consumer's token format must do;
// it is not a JWT and does not try to be one.
//
// # Format
//
// A token is three parts joined by dots:
//
//	sg1.<claims>.<signature>
//
// "sg1" names the format and its version. <claims> is the unpadded
// base64url encoding (RFC 4648 §5) of a JSON object with exactly these
// members, in this order, without white space:
//
//	{"jti":"<token ID>","cid":"<client ID>","org":"<org>","gty":"<grant type>",
//	 "sub":"<user>","scope":"<scopes>","iat":<issued at>,"exp":<expires at>}
//
// "sub" is left out for client-credentials tokens and "scope" when there are
// no scopes; times are Unix seconds, rounded down. <signature> is the unpadded base64url
// encoding of HMAC-SHA256(key, "sg1." + <claims>): 43 characters.
//
// # Verification
//
// [Codec.VerifyToken] is strict, so that one token has exactly one
// spelling:
//
//   - a token longer than [MaxLen] bytes is refused before anything else
//     ([ErrTooLarge]);
//   - the prefix, the number of dots and the base64url alphabet are checked,
//     padding and non-zero trailing bits are refused ([ErrFormat]);
//   - the signature is compared in constant time ([hmac.Equal]) before the
//     claims are decoded ([ErrSignature]): unauthenticated bytes never reach
//     the JSON decoder;
//   - the claims must decode with no unknown, missing or repeated member and
//     re-encode to the very same bytes ([ErrFormat]), and must fit together
//     as [grant.Token.CheckClaims] requires.
//
// VerifyToken does not check the token's times, revocation or client: the
// enforcer does, with its own clock and stores, and says which check failed.
//
// Errors never contain the token or the key, so they may be logged.
//
// # Keys and concurrency
//
// A key is at least [MinKeyLen] random bytes; [New] copies it. A Codec,
// or a pointer to one, prints as "hmactoken.Codec([redacted])" with every
// fmt verb, also inside structs, slices and maps, and as "[redacted]" with
// log/slog; it marshals to JSON as {}. It is immutable and safe for
// concurrent use. A Codec not made by New, nil or zero, has no key: it
// refuses to sign or verify ([ErrKey]), and never panics.
package hmactoken
