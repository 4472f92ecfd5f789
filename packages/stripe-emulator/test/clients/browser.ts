/**
 * What a browser does on the emulator's hosted pages, without a browser: load a page, fill in its
 * first form (hidden inputs kept, `fields` added) and submit it, as a person pressing the button would.
 * The pages are plain HTML forms, so this is the whole of their behaviour.
 */
export async function submitPageForm(
  pageUrl: string,
  fields: Record<string, string> = {},
): Promise<{ page: string; response: Response }> {
  const pageResponse = await fetch(pageUrl);
  const page = await pageResponse.text();
  if (pageResponse.status !== 200) throw new Error(`page ${pageUrl} answered ${pageResponse.status}: ${page}`);
  // The page's own form (a checkout page may also carry a promotion code form posting elsewhere).
  const forms = [...page.matchAll(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/g)];
  const form = forms.find((match) => decodeHtml(match[1] ?? '') === new URL(pageUrl).pathname) ?? forms[0];
  if (!form?.[1]) throw new Error(`page ${pageUrl} has no form`);
  const hidden = Object.fromEntries(
    [...(form[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((match) => [
      match[1] ?? '',
      decodeHtml(match[2] ?? ''),
    ]),
  );
  const response = await fetch(new URL(decodeHtml(form[1]), pageUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...hidden, ...fields }).toString(),
  });
  return { page, response };
}

/** The pages escape text as numeric character references (`&#38;`). */
function decodeHtml(text: string): string {
  return text.replace(/&#(\d+);/g, (_match, code: string) => String.fromCharCode(Number(code)));
}
