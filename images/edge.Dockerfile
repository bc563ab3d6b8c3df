# The edge: Debian's nginx on the local base. Its nginx.conf is the one nginx-ingress renders for
# the `edge` target, mounted at run time (scripts/compose.sh renders it with the deployment's
# upstream names and its secure-link secret, which must not live in an image); the same file the
# chart puts in its ConfigMap. /var/log/gatehouse holds the edge records log (a volume the records
# shipper shares; a new volume takes this directory's owner).
ARG BASE
FROM ${BASE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/* \
 && mkdir -p /var/cache/gatehouse /var/lib/nginx /run/nginx /var/log/gatehouse \
 && chown -R www-data:www-data /var/cache/gatehouse /var/lib/nginx /run/nginx /var/log/gatehouse
USER www-data
EXPOSE 8080
CMD ["nginx", "-g", "daemon off;"]
