-- wrk: sends GET requests each carrying one pre-signed Signature-Input/Signature pair from
-- the file named by $SIGNATURES (bench/script-auth.sh writes it), in order, so every nonce
-- is used once. Past the last line it wraps around (Foxgate then refuses the replays, and
-- the run reports errors: make the file longer).
local inputs, signatures, n = {}, {}, 0

for line in io.lines(os.getenv("SIGNATURES")) do
  local input, signature = line:match("([^\t]*)\t(.*)")
  inputs[#inputs + 1] = input
  signatures[#signatures + 1] = signature
end

function request()
  n = n % #inputs + 1
  return wrk.format("GET", nil, { ["Signature-Input"] = inputs[n], ["Signature"] = signatures[n] })
end
