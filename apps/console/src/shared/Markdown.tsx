/**
 * Markdown a publisher wrote, rendered for reading: react-markdown builds React elements (never
 * innerHTML; HTML in the text is not rendered) and rehype-sanitize holds the result to GitHub's
 * safe subset (no javascript: links, no ids that clobber the page's), so a document can script
 * nothing. The default export is what the lazy loader takes (DocumentContent.tsx), so the
 * renderer is fetched only when a document is shown.
 */
import ReactMarkdown from 'react-markdown';
import rehypeSanitize from 'rehype-sanitize';

export default function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown rehypePlugins={[rehypeSanitize]}>{text}</ReactMarkdown>
    </div>
  );
}
