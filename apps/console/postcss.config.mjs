// Tailwind CSS v4 runs as a PostCSS plugin in Next.js.
export default {
  plugins: { '@tailwindcss/postcss': {} },
};
