// Standard base64 (with padding) of bytes, as Go's encoding/json writes []byte. btoa exists in
// browsers and Node alike; chunks keep String.fromCharCode's argument list small.

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
