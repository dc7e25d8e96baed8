# shellcheck shell=bash
# The team of the sync suites (sync.sh, sync_encrypted.sh): a store A
# pushed to a bare repository R, and a clone B of R; the store has one case
# (ID in $BASE_ID) before they part. With E2E_ENCRYPTED=1 the store is
# encrypted and B's first sync brings it the keys (both run with the one
# test identity, PREVENT_IDENTITY).
BASE_ID=""
team() {
    new_store "$T/A"
    refer_ok "$T/A" name="Quorbin Ashwell" summary="Fictional shared base case"
    BASE_ID="$ID"
    git init -q --bare "$T/R.git"
    git -C "$T/A" remote add origin "$T/R.git"
    pv_ok "$T/A" "$AS_OF" sync
    git clone -q "$T/R.git" "$T/B" || fail "git clone failed"
    [[ "${E2E_ENCRYPTED:-}" != 1 ]] || pv_ok "$T/B" "$AS_OF" sync
}
